import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
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
 * them, until it expires. Kept only as its digest, expiring with it; the registration spends it.
 */
@Injectable()
export class IssueInitialAccessTokenUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INITIAL_ACCESS_TOKEN_STORE) private readonly tokens: InitialAccessTokenStore,
  ) {}

  async execute(
    issuedBy: string,
    request: InitialAccessTokenRequest,
  ): Promise<InitialAccessTokenAnswer> {
    const { token, digest } = mintRegistrationToken('iat');
    const issuedAt = Date.now();
    await this.tokens.issue(digest, {
      issuedBy,
      uses: request.uses,
      issuedAt,
      expiresAt: issuedAt + request.expiresIn * 1000,
    });
    return { initial_access_token: token, expires_in: request.expiresIn, uses: request.uses };
  }
}
