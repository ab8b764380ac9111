import type { TokenIssuedV1 } from '@app/events';

/** base64url SHA-256 of "test": a digest as an opaque token appears on events. */
export const OPAQUE_DIGEST = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';

/** The data of a `token.issued` for an opaque access token of a user's grant (v1 fields). */
export const OPAQUE_TOKEN_ISSUED: TokenIssuedV1 = {
  jti: 'jti-1',
  client_id: 'web-app',
  sub: 'user-1',
  aud: 'https://orders.example.com',
  scope: 'orders:read',
  grant_type: 'authorization_code',
  grant_id: 'grant-1',
  format: 'opaque',
  token_digest: OPAQUE_DIGEST,
  iat: 1_700_000_000,
  exp: 1_700_003_600,
};
