import { ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { FormParams, RequestContext } from '@app/oauth';
import {
  MemoryProjectionMarker,
  MemoryTokenStore,
  ProjectedTokenStore,
  ProjectionGate,
  StoreUnavailable,
  TokenStore,
} from '@app/store';
import { AccessTokenClaims, OpaqueTokenFormat } from '@app/tokens';

/**
 * For unit specs of the readers of opaque-token state (revocation, introspection): the token
 * store as the services see it while Redis is rebuilt from the log, unreachable, or complete.
 */
export const OUTAGE_ISSUER = 'https://as.example.com';

/** The client the tokens are issued to, and the one that presents them. */
export const TOKEN_OWNER: ClientConfig = {
  ...SIGN_IN_DEFAULTS,
  clientId: 'svc-owner',
  authMethod: 'client_secret_basic',
  grantTypes: ['client_credentials'],
  scopes: ['orders:read'],
  resources: ['https://orders.example.com'],
  introspects: [],
};

/** An authenticator that always answers TOKEN_OWNER (authentication is not under test). */
export const ownerAuthenticator = () => ({
  authenticate: jest.fn().mockResolvedValue(TOKEN_OWNER),
});

/** A POST to `path` whose form is `token=<token>`. */
export function tokenRequest(path: string, token: string): RequestContext {
  return new RequestContext(
    { method: 'POST', url: path, headers: {}, ip: '192.0.2.1' },
    FormParams.parse(
      'application/x-www-form-urlencoded',
      new URLSearchParams({ token }).toString(),
    ),
  );
}

/** Redis's token records and projection marker, empty as after a restart. */
export class TokenStoreStates {
  readonly redis = new MemoryTokenStore();
  readonly marker = new MemoryProjectionMarker();

  /** The store behind the projection gate, as every service reads it. */
  projected(): TokenStore {
    return new ProjectedTokenStore(
      this.redis,
      new ProjectionGate(this.marker, { projected: true }),
    );
  }

  /** Redis cannot be reached at all. */
  unreachable(): TokenStore {
    const refuse = () => Promise.reject(new StoreUnavailable('connection refused'));
    return { save: refuse, find: refuse };
  }

  /** The projector has replayed `jti`'s token.issued and written the marker. */
  async replayed(
    jti: string,
    extra: Partial<AccessTokenClaims> = {},
  ): Promise<{ token: string; digest: string }> {
    const minted = OpaqueTokenFormat.mint('at');
    await this.redis.save(minted.digest, { ...ownerClaims(jti), ...extra });
    await this.marker.mark();
    return minted;
  }
}

function ownerClaims(jti: string): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: OUTAGE_ISSUER,
    sub: TOKEN_OWNER.clientId,
    aud: 'https://orders.example.com',
    clientId: TOKEN_OWNER.clientId,
    scope: 'orders:read',
    jti,
    iat: now,
    nbf: now,
    exp: now + 600,
  };
}
