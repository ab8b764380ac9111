import { InvalidDpopProof } from '@app/oauth';
import { VerifiedDpopProof } from '@app/tokens';

export const DPOP_BINDING_ERRORS = {
  code: 'the authorization code is bound to a DPoP key (dpop_jkt): send a proof of that key',
  refresh: 'the refresh token is bound to a DPoP key: send a proof of that key',
} as const;

/**
 * What was issued bound to a DPoP key is exchanged only with a proof of that very key: an
 * authorization code whose request named `dpop_jkt` (RFC 9449 §10), a public client's refresh
 * token (§5). No proof, or a proof of another key, is `invalid_dpop_proof` (§7.1, §12.2: the
 * proof does not fit what it is presented with). Checked before anything changes state, so a
 * refused refresh rotates nothing and the token stays usable with the right key.
 */
export function checkDpopBinding(
  boundTo: string | undefined,
  dpop: VerifiedDpopProof | undefined,
  description: string,
): void {
  if (boundTo === undefined) return;
  if (dpop === undefined || dpop.jkt !== boundTo) throw new InvalidDpopProof(description);
}
