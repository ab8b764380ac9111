import { createHash, hash } from 'node:crypto';
import { SigningAlg } from '@app/config';

/**
 * An ID token's `at_hash` (and `c_hash`): the base64url left half of the hash of the value's
 * ASCII octets, with the hash of the ID token's `alg` (OpenID Connect Core §3.1.3.6, §3.3.2.11).
 *
 * JWA names no hash for EdDSA: the curve decides. The OpenID Connect working group settled
 * SHA-512 for Ed25519, the hash inside Ed25519 itself (connect issue #1125, 25 Nov 2019:
 * https://bitbucket.org/openid/connect/issues/1125), as recorded in OpenID Connect Token Hash
 * Algorithms 1.0 (https://openid.net/specs/openid-connect-token-hash-algorithms-1_0.html). Ed448
 * takes SHAKE256 with Ed448's own 114-octet output, as oidc-token-hash (openid-client's check)
 * and node-oidc-provider do.
 */
export function tokenHash(value: string, alg: SigningAlg, crv?: string): string {
  const digest = digestOf(value, alg, crv);
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

// One-shot hash() where it can (no Hash object per ID token); SHAKE256 needs its output length,
// which only createHash takes.
function digestOf(value: string, alg: SigningAlg, crv: string | undefined): Buffer {
  switch (alg) {
    case 'ES256':
    case 'RS256':
    case 'PS256':
      return hash('sha256', value, 'buffer');
    case 'EdDSA':
      if (crv === 'Ed25519') return hash('sha512', value, 'buffer');
      if (crv === 'Ed448')
        return createHash('shake256', { outputLength: 114 }).update(value, 'utf8').digest();
      throw new Error('EdDSA token hashes need the key curve (Ed25519 or Ed448)');
  }
}
