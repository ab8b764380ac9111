import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  BrowserSession,
  ChallengeKind,
  INTERACTION_CHALLENGE_STORE,
  InteractionChallengeStore,
  PendingAuthorizationRequest,
} from '@app/store';
import { FrontChannelAnswer, SetCookie } from '../front-channel/front-channel-answer';

/** Who the challenge is about: the live session (login) or the one who just logged in. */
export interface ChallengeContext {
  readonly requestId: string;
  readonly request: PendingAuthorizationRequest;
  /** SHA-256 digest of the flow's binding cookie value. */
  readonly browserBinding: string;
  readonly skip: boolean;
  readonly session?: BrowserSession;
}

/**
 * Creates a login or consent challenge (256 random bits; Hydra's model) for the login app and
 * sends the browser there: `LOGIN_URL?login_challenge=…` or `CONSENT_URL?consent_challenge=…`.
 * The challenge lives as long as the interaction may (INTERACTION_TTL_SECONDS).
 */
@Injectable()
export class ChallengeIssuer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INTERACTION_CHALLENGE_STORE) private readonly challenges: InteractionChallengeStore,
  ) {}

  async issue(
    kind: ChallengeKind,
    c: ChallengeContext,
    cookies: readonly SetCookie[],
  ): Promise<FrontChannelAnswer> {
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    const { request: r, session: s } = c;
    await this.challenges.create(
      id,
      {
        kind,
        requestId: c.requestId,
        clientId: r.clientId,
        scopes: r.scopes,
        resources: r.resources,
        prompt: r.prompt,
        ...(r.maxAge === undefined ? {} : { maxAge: r.maxAge }),
        ...(r.loginHint === undefined ? {} : { loginHint: r.loginHint }),
        uiLocales: r.uiLocales,
        acrValues: r.acrValues,
        skip: c.skip,
        ...(s === undefined ? {} : sessionFields(s)),
        browserBinding: c.browserBinding,
        createdAt: now,
      },
      now + this.config.signIn.interactionTtl * 1000,
    );
    const url = new URL(
      kind === 'login' ? this.config.signIn.loginUrl : this.config.signIn.consentUrl,
    );
    url.searchParams.set(`${kind}_challenge`, id);
    return { kind: 'redirect', location: url.href, cookies };
  }
}

function sessionFields(s: BrowserSession) {
  return {
    subject: s.subject,
    sid: s.sid,
    authTime: s.authTime,
    ...(s.acr === undefined ? {} : { acr: s.acr }),
    amr: s.amr,
  };
}
