import { InvalidBearerToken } from '@app/oauth';

/** RFC 6750 §3: the realm of the registration endpoints' challenges. */
export const REGISTRATION_REALM = 'registration';

/** RFC 6750 §2.1 `Bearer <b64token>`; an opaque token here is base64url with a prefix. */
const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/**
 * The bearer token of the Authorization header (RFC 6750 §2.1), or undefined when the request
 * presents none. A header of another scheme presents no bearer token; a malformed Bearer header
 * is refused as `invalid_token`.
 */
export function bearerCredential(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !/^Bearer\b/i.test(authorization)) return undefined;
  const match = BEARER.exec(authorization);
  if (!match) throw invalidToken('the Authorization header is not a bearer token (RFC 6750 §2.1)');
  return match[1];
}

/** 401 `invalid_token` with `WWW-Authenticate: Bearer realm="registration", error="invalid_token"`. */
export const invalidToken = (description: string): InvalidBearerToken =>
  new InvalidBearerToken(description, REGISTRATION_REALM, true);

/** 401 with the bare Bearer challenge (RFC 6750 §3.1): no token was presented. */
export const tokenRequired = (description: string): InvalidBearerToken =>
  new InvalidBearerToken(description, REGISTRATION_REALM, false);
