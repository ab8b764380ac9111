import {
  decodeJwt,
  decodeProtectedHeader,
  exportSPKI,
  generateKeyPair,
  importJWK,
  JWK,
  KeyLike,
  SignJWT,
} from 'jose';

/**
 * Forgeries of a genuine JWT access token, as an attacker holding one would make them. Each
 * keeps the genuine token's claims (and `kid`) so that only the forged part can make it fail.
 */

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function segments(jwt: string): [string, string, string] {
  const [header, payload, signature] = jwt.split('.');
  if (header === undefined || payload === undefined || signature === undefined)
    throw new Error('not a compact JWS');
  return [header, payload, signature];
}

/** One character in the middle of the payload changed; header and signature kept. */
export function withPayloadCharFlipped(jwt: string): string {
  const [header, payload, signature] = segments(jwt);
  const i = Math.floor(payload.length / 2);
  const flipped = payload[i] === 'A' ? 'B' : 'A';
  return [header, payload.slice(0, i) + flipped + payload.slice(i + 1), signature].join('.');
}

/** Claims rewritten (e.g. a wider scope) and re-encoded; header and signature kept. */
export function withClaimsRewritten(jwt: string, changes: Record<string, unknown>): string {
  const [header, , signature] = segments(jwt);
  return [header, b64url({ ...decodeJwt(jwt), ...changes }), signature].join('.');
}

/** Same header (alg, kid, typ) and claims, signed by a key the server never published. */
export async function signedByForeignKey(jwt: string): Promise<string> {
  const { alg, kid, typ } = decodeProtectedHeader(jwt);
  const { privateKey } = await generateKeyPair(alg!);
  return new SignJWT(decodeJwt(jwt)).setProtectedHeader({ alg: alg!, kid, typ }).sign(privateKey);
}

/** RFC 7519 §6 unsecured JWT: `alg: none` and an empty signature. */
export function unsecured(jwt: string): string {
  const [, payload] = segments(jwt);
  const header = { ...decodeProtectedHeader(jwt), alg: 'none' };
  return `${b64url(header)}.${payload}.`;
}

/**
 * The algorithm-confusion attack: HS256 with the issuer's published public key (its PEM, as a
 * naive verifier would load it) as the HMAC secret, keeping the genuine `kid`.
 */
export async function hmacWithPublicKey(jwt: string, jwks: { keys: JWK[] }): Promise<string> {
  const { kid, typ } = decodeProtectedHeader(jwt);
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`kid ${kid} is not in the key set`);
  const publicKey = (await importJWK(jwk, jwk.alg)) as KeyLike;
  const secret = new TextEncoder().encode(await exportSPKI(publicKey));
  return new SignJWT(decodeJwt(jwt)).setProtectedHeader({ alg: 'HS256', kid, typ }).sign(secret);
}
