import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  JWK,
  KeyLike,
  SignJWT,
} from 'jose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * DPoP proofs (RFC 9449 §4) made as a client makes them, for specs of either side: the token
 * endpoint (no `ath`) and resource servers (`ath` of the token). Every part can be overridden or
 * dropped (`undefined`), so a spec can make each bad proof the RFC's checks refuse.
 */

/** A DPoP key pair the client holds, and the thumbprint a token bound to it carries (cnf.jkt). */
export interface DpopKey {
  readonly alg: string;
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
  /** Private members included: what a careless client might put in the header. */
  readonly privateJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key. */
  readonly jkt: string;
}

export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return {
    alg,
    privateKey,
    publicJwk,
    privateJwk: await exportJWK(privateKey),
    jkt: await calculateJwkThumbprint(publicJwk, 'sha256'),
  };
}

/** RFC 9449 §4.2 `ath`: base64url(SHA-256(access token)). */
export const accessTokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

type Fields = Record<string, unknown>;

export interface DpopProofOptions {
  readonly key: DpopKey;
  readonly htm: string;
  readonly htu: string;
  /** The `ath` claim itself; or give `accessToken` to have it computed. */
  readonly ath?: string;
  readonly accessToken?: string;
  readonly nonce?: string;
  /** Seconds; now by default. */
  readonly iat?: number;
  readonly jti?: string;
  /** Added to (or, as `undefined`, removed from) the JOSE header `{ alg, typ, jwk }`. */
  readonly header?: Fields;
  /** Added to (or removed from) the claims. */
  readonly claims?: Fields;
}

function parts(o: DpopProofOptions): { header: Fields; payload: Fields } {
  const ath = o.ath ?? (o.accessToken === undefined ? undefined : accessTokenHash(o.accessToken));
  const payload = defined({
    jti: o.jti ?? randomUUID(),
    htm: o.htm,
    htu: o.htu,
    iat: o.iat ?? Math.floor(Date.now() / 1000),
    ath,
    nonce: o.nonce,
    ...o.claims,
  });
  const header = defined({ alg: o.key.alg, typ: 'dpop+jwt', jwk: o.key.publicJwk, ...o.header });
  return { header, payload };
}

/** A proof signed with the key's private key. */
export function dpopProof(o: DpopProofOptions): Promise<string> {
  const { header, payload } = parts(o);
  return new SignJWT(payload).setProtectedHeader(header as never).sign(o.key.privateKey);
}

/** A proof with `alg: none` and no signature (RFC 9449 §4.3 step 5 refuses it). */
export function dpopProofAlgNone(o: DpopProofOptions): string {
  const { header, payload } = parts({ ...o, header: { ...o.header, alg: 'none' } });
  return `${encode(header)}.${encode(payload)}.`;
}

/** A proof MACed with HS256 under `secret` (a MAC shows no private key: refused). */
export function dpopProofHs256(o: DpopProofOptions, secret = randomBytes(32)): Promise<string> {
  const { header, payload } = parts({ ...o, header: { ...o.header, alg: 'HS256' } });
  return new SignJWT(payload).setProtectedHeader(header as never).sign(secret);
}

const encode = (o: Fields) => base64url.encode(JSON.stringify(o));

function defined(o: Fields): Fields {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * A JWS no honest signer makes (`alg: none`, an HMAC "proof"): any header and claims, and as
 * signature `signature` (empty for `none`) or random-looking bytes.
 */
export function unsignedDpopProof(header: Fields, claims: Fields, signature = ''): string {
  return `${encode(header)}.${encode(claims)}.${signature}`;
}
