import { randomUUID } from 'node:crypto';
import {
  base64url,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  JWK,
  KeyLike,
  SignJWT,
} from 'jose';
import { tokenDigest } from '@app/tokens';

/** A client's DPoP key pair (RFC 9449 §4): the public JWK goes in every proof's header. */
export interface DpopKey {
  readonly alg: string;
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key: the `cnf.jkt` of tokens bound to it. */
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

export interface DpopProofOptions {
  readonly key: DpopKey;
  readonly htm: string;
  readonly htu: string;
  /** The access token the proof goes with (resource side): `ath` is its SHA-256 (§4.2). */
  readonly accessToken?: string;
  /** `ath` as given, instead of the one computed from `accessToken`. */
  readonly ath?: string;
  readonly nonce?: string;
  /** Seconds since the epoch; now when absent. */
  readonly iat?: number;
  readonly jti?: string;
  /** Header members added, replaced, or (undefined) dropped: `typ`, `alg`, `jwk`… */
  readonly header?: Readonly<Record<string, unknown>>;
  /** Claims added, replaced, or (undefined) dropped. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/**
 * A DPoP proof JWT (RFC 9449 §4.2) signed with `key`: `typ: dpop+jwt`, the key's `alg` and
 * public `jwk`, a fresh `jti`, `htm`, `htu`, `iat` now, and `ath`/`nonce` when given.
 */
export function dpopProof(o: DpopProofOptions): Promise<string> {
  const claims = without({
    jti: o.jti ?? randomUUID(),
    htm: o.htm,
    htu: o.htu,
    iat: o.iat ?? Math.floor(Date.now() / 1000),
    ...(o.accessToken === undefined ? {} : { ath: tokenDigest(o.accessToken) }),
    ...(o.ath === undefined ? {} : { ath: o.ath }),
    ...(o.nonce === undefined ? {} : { nonce: o.nonce }),
    ...o.claims,
  });
  const header = without({ alg: o.key.alg, typ: 'dpop+jwt', jwk: o.key.publicJwk, ...o.header });
  return new SignJWT(claims).setProtectedHeader(header as never).sign(o.key.privateKey);
}

/**
 * A JWS no honest signer makes (`alg: none`, an HMAC "proof"): any header and claims, and as
 * signature `signature` (empty for `none`) or random-looking bytes.
 */
export function unsignedDpopProof(
  header: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
  signature = '',
): string {
  const part = (o: object) => base64url.encode(JSON.stringify(o));
  return `${part(header)}.${part(claims)}.${signature}`;
}

function without(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
