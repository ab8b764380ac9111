import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  AcceptConsentBody,
  AcceptLoginBody,
  ConsentRequestView,
  LoginConsentApi,
  LoginRequestView,
  RedirectAnswer,
  RejectBody,
} from '@app/oauth';
import { AnswerRecorder } from './answer.recorder';
import { consentAcceptance } from './bodies/accept-consent.body';
import { loginAcceptance } from './bodies/accept-login.body';
import { rejection } from './bodies/reject.body';
import { consentView, loginView } from './challenge.views';
import { PendingChallengeReader } from './pending-challenge.reader';

/**
 * The login/consent API (the model of Ory Hydra's consent/handler.go), for the HTTP controller
 * and for a login app mounted in-process alike. Each answer is: the challenge is pending, the
 * body is valid for it, the answer is recorded once, the browser is sent back. Bodies are
 * checked here, typed or not, so that an in-process caller is held to the same rules.
 */
@Injectable()
export class LoginConsentService implements LoginConsentApi {
  /** `remember_for` upper bound, and its value when 0 or absent. */
  private readonly maxRememberFor: number;

  constructor(
    private readonly challenges: PendingChallengeReader,
    private readonly answers: AnswerRecorder,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maxRememberFor = config.signIn.sessionMaxTtl;
  }

  async loginRequest(challenge: string): Promise<LoginRequestView> {
    return loginView(challenge, await this.challenges.pending('login', challenge));
  }

  async acceptLogin(challenge: string, body: AcceptLoginBody): Promise<RedirectAnswer> {
    const pending = await this.challenges.pending('login', challenge);
    const answer = loginAcceptance(body, pending, this.maxRememberFor);
    return this.answers.record('login', challenge, answer);
  }

  async rejectLogin(challenge: string, body: RejectBody): Promise<RedirectAnswer> {
    await this.challenges.pending('login', challenge);
    return this.answers.record('login', challenge, rejection(body));
  }

  async consentRequest(challenge: string): Promise<ConsentRequestView> {
    return consentView(challenge, await this.challenges.pending('consent', challenge));
  }

  async acceptConsent(challenge: string, body: AcceptConsentBody): Promise<RedirectAnswer> {
    const pending = await this.challenges.pending('consent', challenge);
    const answer = consentAcceptance(body, pending, this.maxRememberFor);
    return this.answers.record('consent', challenge, answer);
  }

  async rejectConsent(challenge: string, body: RejectBody): Promise<RedirectAnswer> {
    await this.challenges.pending('consent', challenge);
    return this.answers.record('consent', challenge, rejection(body));
  }
}
