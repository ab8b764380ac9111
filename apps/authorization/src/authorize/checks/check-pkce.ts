import { FormParams, InvalidRequest, isS256Challenge } from '@app/oauth';
import { bounded } from './parameter';

export interface PkceChallenge {
  readonly codeChallenge: string;
  readonly codeChallengeMethod: 'S256';
}

/**
 * RFC 9700 §2.1.1: PKCE for every client, and `S256` only: a missing method would mean `plain`
 * (RFC 7636 §4.3), which a downgrade attacker reading the authorization request could redeem.
 */
export function checkPkce(params: FormParams): PkceChallenge {
  const codeChallenge = bounded(params, 'code_challenge');
  const method = bounded(params, 'code_challenge_method');
  if (codeChallenge === undefined)
    throw new InvalidRequest('PKCE is required: send code_challenge with the S256 method');
  if (method === undefined)
    throw new InvalidRequest('the code_challenge_method parameter is required and must be S256');
  if (method !== 'S256')
    throw new InvalidRequest('the code_challenge_method must be S256; plain is not allowed');
  // RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is always 43 characters.
  if (!isS256Challenge(codeChallenge))
    throw new InvalidRequest('the code_challenge must be 43 base64url characters (S256)');
  return { codeChallenge, codeChallengeMethod: 'S256' };
}
