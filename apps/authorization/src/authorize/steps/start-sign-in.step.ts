import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig, ClientConfig } from '@app/config';
import { FormParams, OAuthRequest } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import {
  AUTHORIZATION_REQUEST_STORE,
  AuthorizationRequestStore,
  BROWSER_SESSION_STORE,
  BrowserSession,
  BrowserSessionStore,
  PendingAuthorizationRequest,
} from '@app/store';
import { BrowserCookies } from '../../front-channel/browser-cookies';
import { FrontChannelAnswer } from '../../front-channel/front-channel-answer';
import { RedirectTarget } from '../authorization-response';
import { AuthorizeStep, TrustedFlow } from './authorize-step';
import { ChallengeIssuer } from '../challenge.issuer';
import { checkClient } from '../checks/check-client';
import { checkParRequired } from '../checks/check-par-required';
import { checkRedirectUri } from '../checks/check-redirect-uri';
import { checkRequestUri } from '../checks/check-request-uri';
import { errorResponseMode } from '../checks/check-response-mode';
import { errorState } from '../checks/check-state-and-nonce';
import { DenialRecorder } from '../denial.recorder';
import { loginSkippable } from '../prompts/login-skippable';
import { validateAuthorizationRequest } from '../validate-authorization-request';

/** A request whose client and redirect URI are trusted: errors may go to the redirect URI. */
export interface TrustedRequest extends TrustedFlow {
  readonly client: ClientConfig;
  /** The request pushed through PAR, already validated, when it came that way. */
  readonly pushed?: PendingAuthorizationRequest;
}

/**
 * Step 1 of the flow: a new authorization request. Validated (client and redirect URI first:
 * until both are trusted nothing is redirected), stored as pending under a random id, bound to
 * this browser by a per-flow cookie, and handed to the login app with a login challenge.
 * `prompt=none` without a session that may skip login is `login_required` at once.
 */
@Injectable()
export class StartSignInStep implements AuthorizeStep<TrustedRequest> {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ClientRegistry,
    @Inject(AUTHORIZATION_REQUEST_STORE) private readonly requests: AuthorizationRequestStore,
    @Inject(BROWSER_SESSION_STORE) private readonly sessions: BrowserSessionStore,
    private readonly cookies: BrowserCookies,
    private readonly challenges: ChallengeIssuer,
    private readonly denials: DenialRecorder,
  ) {}

  /** Throws for what must not be redirected: an unknown client, an unregistered redirect URI. */
  async trust(_req: OAuthRequest, params: FormParams): Promise<TrustedRequest> {
    const client = checkClient(this.registry, params);
    const pushed = await checkRequestUri(this.requests, params, client.clientId);
    if (pushed !== undefined) return { client, target: targetOf(pushed), pushed };
    const redirectUri = checkRedirectUri(client, params);
    const target = {
      redirectUri,
      responseMode: errorResponseMode(params),
      state: errorState(params),
    };
    return { client, target };
  }

  /** Throws RFC errors for the redirect URI. */
  async run(
    req: OAuthRequest,
    params: FormParams,
    trusted: TrustedRequest,
  ): Promise<FrontChannelAnswer> {
    const { client, pushed } = trusted;
    checkParRequired(client, pushed !== undefined);
    const request =
      pushed ??
      validateAuthorizationRequest(
        this.registry,
        client,
        trusted.target.redirectUri,
        params,
        Date.now(),
      );
    const target = targetOf(request);
    const digest = this.cookies.digestOf(req.cookies, this.cookies.sessionName);
    const session = digest === undefined ? null : await this.sessions.find(digest);
    const skip = loginSkippable(session, request, Math.floor(Date.now() / 1000));
    if (request.prompt.includes('none') && !skip)
      return this.denials.deny(target, client.clientId, { reason: 'login_required' });
    return this.handOver(request, skip ? session : undefined);
  }

  private async handOver(
    request: PendingAuthorizationRequest,
    session: BrowserSession | undefined,
  ): Promise<FrontChannelAnswer> {
    const requestId = randomBytes(32).toString('base64url');
    const ttl = this.config.signIn.interactionTtl;
    await this.requests.save('pending', requestId, request, Date.now() + ttl * 1000);
    const flow = this.cookies.mint();
    const cookie = { name: this.cookies.flowName(requestId), value: flow.value, maxAge: ttl };
    return this.challenges.issue(
      'login',
      { requestId, request, browserBinding: flow.digest, skip: session !== undefined, session },
      [cookie],
    );
  }
}

export function targetOf(request: PendingAuthorizationRequest): RedirectTarget {
  return {
    redirectUri: request.redirectUri,
    responseMode: request.responseMode,
    ...(request.state === undefined ? {} : { state: request.state }),
  };
}
