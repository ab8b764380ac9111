import type { FederatedJwt } from '@app/tokens';

/**
 * When the subject of a trusted external issuer's token authenticated: OIDC Core §2 `auth_time`
 * when the issuer states it, else when it issued the token, else now.
 */
export function authTimeOf(token: FederatedJwt): number {
  const { auth_time: authTime, iat } = token.claims;
  if (Number.isInteger(authTime) && (authTime as number) >= 0) return authTime as number;
  if (Number.isInteger(iat) && (iat as number) >= 0) return iat as number;
  return Math.floor(Date.now() / 1000);
}
