import { Inject, Injectable } from '@nestjs/common';
import { FormParams, OAuthRequest, ServerError } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import {
  AUTHORIZATION_REQUEST_STORE,
  AuthorizationRequestStore,
  GRANT_STORE,
  GrantStore,
} from '@app/store';
import { BrowserCookies } from '../../front-channel/browser-cookies';
import { FrontChannelAnswer } from '../../front-channel/front-channel-answer';
import { BrowserSessionStarter } from '../browser-session.starter';
import { ChallengeIssuer } from '../challenge.issuer';
import { ChallengeReturn } from '../challenge.return';
import { DenialRecorder } from '../denial.recorder';
import { consentSkippable } from '../prompts/consent-skippable';
import { AuthorizeStep } from './authorize-step';
import { ResumedFlow, resumedFlow } from './resumed-flow';

/**
 * How many of the subject's newest grants (of any client) a sign-in reads for a remembered
 * consent: a bounded read however many grants the subject has. A remembered consent older than
 * that is not found, and the user is asked again: the safe side.
 */
const REMEMBERED_CONSENT_LOOKBACK = 100;
/**
 * Step 3 of the flow: back from the login app with `login_challenge` and `login_verifier`. A
 * rejected login is `authorization.denied` at the redirect URI; an accepted one starts or
 * rotates the browser session and goes on to consent, with `skip` when the client is
 * first-party or a remembered grant covers the request (`consent_required` under `prompt=none`
 * when it does not).
 */
@Injectable()
export class AfterLoginStep implements AuthorizeStep<ResumedFlow> {
  constructor(
    private readonly registry: ClientRegistry,
    @Inject(AUTHORIZATION_REQUEST_STORE) private readonly requests: AuthorizationRequestStore,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
    private readonly cookies: BrowserCookies,
    private readonly returns: ChallengeReturn,
    private readonly sessions: BrowserSessionStarter,
    private readonly challenges: ChallengeIssuer,
    private readonly denials: DenialRecorder,
  ) {}

  async trust(req: OAuthRequest, params: FormParams): Promise<ResumedFlow> {
    const state = await this.returns.consume('login', params, req.cookies);
    const request = await this.requests.find('pending', state.challenge.requestId);
    return resumedFlow(this.registry, this.cookies, state, request);
  }

  async run(req: OAuthRequest, _p: FormParams, flow: ResumedFlow): Promise<FrontChannelAnswer> {
    const { state, request, client, target, flowEndCookies } = flow;
    const { challenge, answer } = state;
    if (answer.kind === 'rejected') {
      await this.requests.take('pending', challenge.requestId);
      return this.denials.deny(
        target,
        client.clientId,
        { reason: 'login_rejected', error: answer.error, description: answer.errorDescription },
        flowEndCookies,
      );
    }
    if (answer.kind !== 'login') throw new ServerError('a login challenge had a consent answer');
    const { session, cookie } = await this.sessions.start(req.cookies, challenge, answer);
    const grants = await this.grants.findRecentBySubject(
      session.subject,
      REMEMBERED_CONSENT_LOOKBACK,
      client.clientId,
    );
    const skip = consentSkippable(client, request, grants, Date.now());
    if (request.prompt.includes('none') && !skip) {
      await this.requests.take('pending', challenge.requestId);
      const denial = {
        reason: 'consent_required',
        sub: session.subject,
        sid: session.sid,
      } as const;
      return this.denials.deny(target, client.clientId, denial, [
        cookie,
        ...(flowEndCookies ?? []),
      ]);
    }
    const next = { requestId: challenge.requestId, request, skip, session };
    return this.challenges.issue(
      'consent',
      { ...{}, ...next, browserBinding: challenge.browserBinding },
      [cookie],
    );
  }
}
