import { ClientConfig } from '@app/config';
import { AccessTokenClaims } from '@app/tokens';

/**
 * RFC 7662 §2.2 and §4: the server decides whether the caller may learn about a token, and a
 * resource server should learn only about tokens meant for it. A client may learn about a token
 * issued to itself, or one whose audience is an API it serves (its `introspects` list).
 */
export function mayIntrospect(client: ClientConfig, claims: AccessTokenClaims): boolean {
  return claims.clientId === client.clientId || client.introspects.includes(claims.aud);
}
