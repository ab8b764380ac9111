/** RFC 9449 §7.1, §12.2: the two error codes a DPoP proof check answers with. */
export type DpopErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';

/**
 * Descriptions are constants that name the proof's parts, never what the request sent (the
 * renderers' rule: libs/oauth `error-description.ts`).
 */
export const DPOP_ERRORS = {
  notOneProof: 'the DPoP header must carry exactly one proof JWT',
  malformed: 'the DPoP proof is not a well-formed JWT',
  typ: 'the DPoP proof typ must be dpop+jwt',
  alg: 'the DPoP proof alg is not one of dpop_signing_alg_values_supported',
  jwk: 'the DPoP proof jwk must be a public key for its alg',
  signature: 'the DPoP proof is not a JWT signed by its jwk',
  claims: 'the DPoP proof must carry jti, htm, htu and iat',
  jti: 'the DPoP proof jti must be a string of 1 to 256 characters',
  htm: 'the DPoP proof htm does not match the request method',
  htu: 'the DPoP proof htu does not match the request URL',
  iat: 'the DPoP proof iat is outside the accepted time window',
  ath: 'the DPoP proof ath does not match the access token',
  replayed: 'the DPoP proof has already been used',
  nonceMissing: 'a DPoP nonce is required: use the one in the DPoP-Nonce header',
  nonceInvalid: 'the DPoP nonce is invalid or expired: use the one in the DPoP-Nonce header',
} as const;

/**
 * A refused DPoP proof. `use_dpop_nonce` carries the fresh nonce to send in the `DPoP-Nonce`
 * header (RFC 9449 §8.1, §9.1); the endpoint's error class renders it (400 at the token endpoint,
 * 401 with a `DPoP` challenge at a resource server).
 */
export class DpopProofRejected extends Error {
  constructor(
    readonly error: DpopErrorCode,
    readonly description: string,
    readonly nonce?: string,
  ) {
    super(description);
    this.name = 'DpopProofRejected';
  }

  static invalid(description: string): DpopProofRejected {
    return new DpopProofRejected('invalid_dpop_proof', description);
  }

  static useNonce(description: string, nonce: string): DpopProofRejected {
    return new DpopProofRejected('use_dpop_nonce', description, nonce);
  }
}
