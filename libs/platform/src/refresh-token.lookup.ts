import { Inject, Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import {
  GRANT_STORE,
  GrantRecord,
  GrantStore,
  REFRESH_TOKEN_STORE,
  RefreshTokenState,
  RefreshTokenStore,
  REVOCATION_STORE,
  RevocationStore,
} from '@app/store';
import { OpaqueTokenFormat, tokenDigest } from '@app/tokens';

/** A refresh token its client presented, with its family's state and its grant. */
export interface PresentedRefreshToken {
  readonly digest: string;
  readonly state: RefreshTokenState;
  readonly grant: GrantRecord;
}

/**
 * What the token endpoint (grant_type=refresh_token), introspection and revocation know of a
 * refresh token a client presents: null unless it is a refresh token (`rt_` shape: an access
 * token, an ID token or a code is none), of a known family, issued to this very client (RFC
 * 6749 §6, RFC 7662 §2.2, RFC 7009 §2.1), of a grant still recorded (a withdrawn grant is
 * deleted) and not revoked by client or subject (the revocation store, matched with the
 * grant's creation as `iat`). A retired token is found (state.active false): only the store's
 * rotation tells reuse from grace.
 */
@Injectable()
export class RefreshTokenLookup {
  constructor(
    @Inject(REFRESH_TOKEN_STORE) private readonly store: RefreshTokenStore,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
  ) {}

  async find(client: ClientConfig, token: string): Promise<PresentedRefreshToken | null> {
    if (OpaqueTokenFormat.kindOf(token) !== 'rt') return null;
    const digest = tokenDigest(token);
    const state = await this.store.find(digest, Date.now());
    if (state === null || state.record.clientId !== client.clientId) return null;
    const grant = await this.grants.find(state.record.grantId);
    if (grant === null) return null;
    const revoked = await this.revocations.isRevoked({
      clientId: client.clientId,
      jti: digest,
      grantId: grant.grantId,
      // As its access tokens carry it: a subject-wide revocation covers the refresh token too.
      sub: state.record.subject,
      iat: Math.floor(grant.createdAt / 1000),
    });
    return revoked ? null : { digest, state, grant };
  }
}
