import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { SigningAlg } from '@app/config';

/** A fresh private JWK as the ring takes it: RSA 2048, P-256 or Ed25519 by `alg`. */
export interface GeneratedJwk {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly [member: string]: unknown;
}

/**
 * A new signing key for runtime rotation. Its `kid` is its RFC 7638 thumbprint (as a KEYS_FILE
 * key without one gets): unique to the material, so two replicas never mint the same kid for
 * different keys.
 */
export async function generateSigningJwk(alg: SigningAlg): Promise<GeneratedJwk> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  return { ...{}, ...jwk, kid: await calculateJwkThumbprint(publicJwk), alg };
}
