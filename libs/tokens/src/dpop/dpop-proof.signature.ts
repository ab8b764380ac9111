import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  errors,
  JWK,
  JWTPayload,
  KeyLike,
  ProtectedHeaderParameters,
} from 'jose';
import { verifyCompactJwt } from '../compact-jwt.verifier';
import { verificationAlgorithms } from '../public-jwk';
import { DPOP_ERRORS, DpopProofRejected } from './dpop-proof.error';
import { DPOP_SIGNING_ALGS } from './dpop-signing-algs';
import { ProofKeys } from './proof-keys';

/** One compact JWS: three base64url parts. Two proofs joined by a comma never match. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/**
 * Longer headers are refused unread. A proof with an RSA-4096 key is about 2,000 characters; the
 * bound also caps the key size an attacker can make us verify with.
 */
const MAX_PROOF_LENGTH = 4096;

export interface SignedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's public key. */
  readonly jkt: string;
  readonly payload: JWTPayload;
}

/**
 * RFC 9449 §4.3 steps 1-7: exactly one DPoP header holding one JWT, `typ: dpop+jwt`, an `alg` of
 * the asymmetric allow-list, a `jwk` that is a public key for that `alg` (any private member is
 * refused), and a signature that this `jwk` verifies.
 */
export async function verifiedProof(
  header: string | readonly string[] | undefined,
  keys: ProofKeys,
): Promise<SignedProof> {
  const proof = oneProof(header);
  const { alg, jwk } = checkedHeader(proof);
  let jkt: string;
  let key: KeyLike;
  try {
    jkt = await calculateJwkThumbprint(jwk, 'sha256');
    key = await keys.get(jwk, alg, jkt);
  } catch {
    throw DpopProofRejected.invalid(DPOP_ERRORS.jwk);
  }
  try {
    const { payload } = await verifyCompactJwt(proof, () => key, { algorithms: [alg] });
    return { jkt, payload };
  } catch (e) {
    if (e instanceof errors.JWTClaimValidationFailed || e instanceof errors.JWTExpired)
      throw DpopProofRejected.invalid(DPOP_ERRORS.claims);
    if (e instanceof errors.JOSEError) throw DpopProofRejected.invalid(DPOP_ERRORS.signature);
    // jose refuses a key unfit for the alg (an RSA modulus under 2048 bits, RFC 7518 §3.3) with a
    // TypeError: the client's key, not our fault, so never a 500.
    if (e instanceof TypeError) throw DpopProofRejected.invalid(DPOP_ERRORS.jwk);
    throw e;
  }
}

function oneProof(header: string | readonly string[] | undefined): string {
  const value = typeof header === 'string' ? header : header?.length === 1 ? header[0] : undefined;
  if (value === undefined || value.length > MAX_PROOF_LENGTH || !COMPACT_JWS.test(value))
    throw DpopProofRejected.invalid(DPOP_ERRORS.notOneProof);
  return value;
}

function checkedHeader(proof: string): { alg: string; jwk: JWK } {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw DpopProofRejected.invalid(DPOP_ERRORS.malformed);
  }
  // RFC 9449 §4.2: exactly this value (jose's own check would also take `application/dpop+jwt`).
  if (header.typ !== 'dpop+jwt') throw DpopProofRejected.invalid(DPOP_ERRORS.typ);
  const { alg, jwk } = header;
  if (typeof alg !== 'string' || !(DPOP_SIGNING_ALGS as readonly string[]).includes(alg))
    throw DpopProofRejected.invalid(DPOP_ERRORS.alg);
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw DpopProofRejected.invalid(DPOP_ERRORS.jwk);
  // RFC 9449 §4.3 step 7: a public key only; its type, curve, `alg`, `use` must fit the `alg`.
  if (!verificationAlgorithms(jwk as Record<string, unknown>, [alg]).includes(alg))
    throw DpopProofRejected.invalid(DPOP_ERRORS.jwk);
  return { alg, jwk };
}
