import { createHash, randomBytes } from 'node:crypto';

/** RFC 7636 §4.1–§4.2: a 43-character verifier (256 random bits) and its S256 challenge. */
export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
  readonly method: 'S256';
}

export function pkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256(verifier), method: 'S256' };
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable `state` or `nonce` value. */
export function randomValue(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
