import type { JWTHeaderParameters, KeyLike } from 'jose';

/**
 * Where a verifier finds the public key for a token's header: the issuer's own key ring, or a
 * remote JWKS. Must insist that the header's `alg` is the key's own.
 */
export interface VerificationKeys {
  verificationKey(header: JWTHeaderParameters): KeyLike | undefined | Promise<KeyLike | undefined>;
  /**
   * For remote sets, whose publisher may reuse a `kid` for new key material: `rejected` did not
   * verify the signature; a different key now published for the header, or undefined.
   */
  replacementKey?(header: JWTHeaderParameters, rejected: KeyLike): Promise<KeyLike | undefined>;
}
