// private_key_jwt (RFC 7523 §2.2): the client authenticates with a JWT it signs in this browser.
import { signJws } from './jws.js';
import { randomValue } from './pkce.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How long an assertion is good for: one request, so a minute is plenty (RFC 7523 §3 item 4). */
const LIFETIME_SECONDS = 60;

/**
 * RFC 7523 §3: iss and sub are the client id, aud is the authorization server's issuer
 * identifier alone (draft-ietf-oauth-rfc7523bis), jti is single-use (the server remembers it
 * until exp), exp is short. Made afresh for every request, never reused.
 */
export function clientAssertion({ clientId, issuer, key }) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: key.alg, ...(key.kid ? { kid: key.kid } : {}) };
  const claims = {
    iss: clientId,
    sub: clientId,
    aud: issuer,
    jti: randomValue(16),
    iat: now,
    exp: now + LIFETIME_SECONDS,
  };
  return signJws(header, claims, key.privateKey);
}

/** The form fields that carry it (RFC 7523 §2.2, RFC 7521 §4.2). */
export async function assertionFields(client, issuer) {
  const assertion = await clientAssertion({ clientId: client.id, issuer, key: client.key });
  return {
    fields: {
      client_id: client.id,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion,
    },
    secrets: [assertion],
  };
}
