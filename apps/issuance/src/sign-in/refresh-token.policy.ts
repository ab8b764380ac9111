import { ClientConfig, REFRESH_TOKEN } from '@app/config';

/**
 * Whether a code redemption comes with a refresh token: the client is registered for the
 * `refresh_token` grant, and an OpenID request was granted `offline_access` (OIDC Core §11:
 * without it, the client's access ends with the user's session). Without `openid`, OAuth
 * alone: every code grant of such a client (RFC 6749 §4.1.4).
 */
export function grantsRefreshToken(client: ClientConfig, scopes: readonly string[]): boolean {
  if (!client.grantTypes.includes(REFRESH_TOKEN)) return false;
  return !scopes.includes('openid') || scopes.includes('offline_access');
}

/** A family's end (ms): `refresh_token_ttl` from the grant's creation, never moved by a refresh. */
export function absoluteDeadline(client: ClientConfig, grantCreatedAt: number): number {
  return grantCreatedAt + client.refreshToken.ttl * 1000;
}

/** A new token's idle deadline (ms): `refresh_token_idle_ttl` from now. */
export function idleDeadline(client: ClientConfig, now: number): number {
  return now + client.refreshToken.idleTtl * 1000;
}
