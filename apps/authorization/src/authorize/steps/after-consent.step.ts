import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { FormParams, OAuthRequest, ServerError } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { AUTHORIZATION_REQUEST_STORE, AuthorizationRequestStore } from '@app/store';
import { BrowserCookies } from '../../front-channel/browser-cookies';
import { FrontChannelAnswer } from '../../front-channel/front-channel-answer';
import { AuthorizationCodeIssuer } from '../authorization-code.issuer';
import { authorizationResponse } from '../authorization-response';
import { ChallengeReturn } from '../challenge.return';
import { DenialRecorder } from '../denial.recorder';
import { GrantRecorder } from '../grant.recorder';
import { AuthorizeStep } from './authorize-step';
import { ResumedFlow, resumedFlow } from './resumed-flow';

/**
 * Step 4 of the flow: back from the login app with `consent_challenge` and `consent_verifier`.
 * The pending request is taken (once); a denial is `access_denied` at the redirect URI; a
 * consent becomes a grant (its event acknowledged first) and a code, sent with `state` and
 * `iss` (RFC 6749 §4.1.2, RFC 9207). The flow's binding cookie is cleared either way.
 */
@Injectable()
export class AfterConsentStep implements AuthorizeStep<ResumedFlow> {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ClientRegistry,
    @Inject(AUTHORIZATION_REQUEST_STORE) private readonly requests: AuthorizationRequestStore,
    private readonly cookies: BrowserCookies,
    private readonly returns: ChallengeReturn,
    private readonly grants: GrantRecorder,
    private readonly codes: AuthorizationCodeIssuer,
    private readonly denials: DenialRecorder,
  ) {}

  async trust(req: OAuthRequest, params: FormParams): Promise<ResumedFlow> {
    const state = await this.returns.consume('consent', params, req.cookies);
    // Taken, not read: of two browsers racing with one answer, one request, one code.
    const request = await this.requests.take('pending', state.challenge.requestId);
    return resumedFlow(this.registry, this.cookies, state, request);
  }

  async run(_req: OAuthRequest, _p: FormParams, flow: ResumedFlow): Promise<FrontChannelAnswer> {
    const { state, request, client, target, flowEndCookies } = flow;
    const { challenge, answer } = state;
    if (answer.kind === 'rejected') {
      const denial = {
        reason: 'consent_denied',
        error: answer.error,
        description: answer.errorDescription,
        sub: challenge.subject,
        sid: challenge.sid,
      } as const;
      return this.denials.deny(target, client.clientId, denial, flowEndCookies);
    }
    if (answer.kind !== 'consent') throw new ServerError('a consent challenge had a login answer');
    const grant = await this.grants.record(challenge, request, answer);
    const code = await this.codes.issue(challenge, request, grant);
    return authorizationResponse(target, this.config.issuer, { code }, flowEndCookies);
  }
}
