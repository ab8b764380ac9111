import { createHash, createPublicKey } from 'node:crypto';

/** An ES256 public key a playground page made with WebCrypto, published under its thumbprint. */
export interface PlaygroundClientKey {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  /** RFC 7638 SHA-256 thumbprint: the `kid` the page's assertions name. */
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

/** 32 bytes, base64url without padding (RFC 7518 §6.2.1.2: a P-256 coordinate). */
const COORDINATE = /^[A-Za-z0-9_-]{43}$/;
const MEMBERS = new Set(['kty', 'crv', 'x', 'y']);

/** Why a posted key was refused; the message never quotes the key. */
export class ClientKeyRefused extends Error {}

/**
 * Reads the public JWK a page posts (RFC 7517 §4): exactly `kty`, `crv`, `x`, `y` of a P-256 point,
 * nothing else. A private member (`d`) is refused by name: no private key ever leaves the browser,
 * and the server never holds one for a playground client.
 */
export function parseClientKey(text: string): PlaygroundClientKey {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new ClientKeyRefused('jwk must be a JSON object');
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw new ClientKeyRefused('jwk must be a JSON object');
  const fields = jwk as Record<string, unknown>;
  if ('d' in fields)
    throw new ClientKeyRefused('jwk holds a private key: send the public key only');
  const extra = Object.keys(fields).filter((k) => !MEMBERS.has(k));
  if (extra.length > 0) throw new ClientKeyRefused('jwk must have only kty, crv, x and y');
  const { kty, crv, x, y } = fields;
  if (kty !== 'EC' || crv !== 'P-256') throw new ClientKeyRefused('jwk must be an EC P-256 key');
  if (typeof x !== 'string' || typeof y !== 'string' || !COORDINATE.test(x) || !COORDINATE.test(y))
    throw new ClientKeyRefused('jwk x and y must be 32-byte base64url coordinates');
  try {
    // Refuses a point off the curve (an invalid-curve key is no key at all).
    createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' });
  } catch {
    throw new ClientKeyRefused('jwk is not a point on P-256');
  }
  // RFC 7638 §3.2: the required members, lexicographic order, no whitespace.
  const kid = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
  return { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' };
}
