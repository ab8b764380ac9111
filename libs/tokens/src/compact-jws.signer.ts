import { KeyObject, sign } from 'node:crypto';
import { SigningAlg } from '@app/config';

/**
 * RFC 7515 compact serialization, signed synchronously with node:crypto. jose signs through a
 * promisified crypto.sign that hops to the libuv thread pool for every token; on a core that is
 * busy anyway that costs about two thirds of the throughput (4.2k vs 12k ES256 tokens/s on one core
 * here). Tokens made here are verified with jose like any other.
 */
export function signCompactJws(
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
  alg: SigningAlg,
  key: KeyObject,
): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const data = Buffer.from(input);
  const signature =
    alg === 'ES256'
      ? // JWS carries the raw r||s pair (RFC 7518 §3.4), not DER.
        sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
      : alg === 'EdDSA'
        ? sign(null, data, key)
        : sign('sha256', data, key); // RS256: RSASSA-PKCS1-v1_5 with SHA-256
  return `${input}.${signature.toString('base64url')}`;
}

function base64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}
