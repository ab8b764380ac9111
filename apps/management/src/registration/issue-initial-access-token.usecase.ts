import { Inject, Injectable } from '@nestjs/common';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { INITIAL_ACCESS_TOKEN_STORE, InitialAccessTokenStore } from '@app/store';
import type { InitialAccessTokenRequest } from './initial-access-token.body';
import { mintRegistrationToken } from './registration-credentials';

/** The answer: the token, shown this once, and how long it lives (exact names: a contract). */
export interface InitialAccessTokenAnswer {
  readonly initial_access_token: string;
  readonly expires_in: number;
  readonly uses: number;
}

/**
 * RFC 7591 §3 (and §1.2): an initial access token lets its bearer register clients, `uses` of
 * them, until it expires. Like every admin call, recorded first: `initial_access_token.issued`
 * (the digest, who, how many, until when) is acknowledged by the log before the token is stored
 * and shown. Kept only as its digest, expiring with it; the registration spends it.
 */
@Injectable()
export class IssueInitialAccessTokenUseCase {
  constructor(
    @Inject(INITIAL_ACCESS_TOKEN_STORE) private readonly tokens: InitialAccessTokenStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  async execute(
    issuedBy: string,
    request: InitialAccessTokenRequest,
  ): Promise<InitialAccessTokenAnswer> {
    const { token, digest } = mintRegistrationToken('iat');
    const issuedAt = Date.now();
    const expiresAt = issuedAt + request.expiresIn * 1000;
    await this.bus.publish(
      this.events.create('initial_access_token.issued', digest, digest, {
        token_digest: digest,
        issued_by: issuedBy,
        uses: request.uses,
        exp: Math.ceil(expiresAt / 1000),
      }),
    );
    await this.tokens.issue(digest, { issuedBy, uses: request.uses, issuedAt, expiresAt });
    return { initial_access_token: token, expires_in: request.expiresIn, uses: request.uses };
  }
}
