import { ClientConfig } from '@app/config';
import { FormParams, InvalidGrant, verifyS256 } from '@app/oauth';
import { AuthorizationCodeRecord } from '@app/store';

/**
 * RFC 6749 §4.1.3 and RFC 7636 §4.6: what a redeemed code is bound to must match the token
 * request, or the answer is `invalid_grant` (and the code stays used: one try per code).
 * - the code was issued to the authenticated client (or the public client named by client_id);
 * - `redirect_uri` is the very string the authorization request carried (RFC 9700 §4.1.3: exact
 *   comparison, no normalisation);
 * - BASE64URL(SHA256(code_verifier)) equals the stored S256 challenge, compared in constant time;
 *   a verifier that is not 43–128 unreserved characters never matches (no `plain` downgrade).
 */
export function checkCodeBinding(
  code: AuthorizationCodeRecord,
  client: ClientConfig,
  form: FormParams,
): void {
  // Said as for an unknown code: another client learns nothing about the code it presented.
  if (code.clientId !== client.clientId)
    throw new InvalidGrant('the authorization code is invalid, expired or already used');
  if (form.require('redirect_uri') !== code.redirectUri)
    throw new InvalidGrant('redirect_uri does not match the authorization request');
  if (!verifyS256(form.require('code_verifier'), code.codeChallenge))
    throw new InvalidGrant('code_verifier does not match the code_challenge');
}
