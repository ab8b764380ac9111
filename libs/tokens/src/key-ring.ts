import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  JWK,
  JWTHeaderParameters,
  KeyLike,
} from 'jose';
import { SigningAlg, SIGNING_ALGS } from '@app/config';
import { VerificationKeys } from './verification-keys';

export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly privateKey: KeyLike;
}

interface PublicKey {
  readonly alg: SigningAlg;
  readonly key: KeyLike;
  readonly jwk: JWK;
}

/**
 * The issuer's signing keys: one active key per algorithm, and every public key that verifiers
 * may still meet. Key objects are imported once here, never per request.
 */
export class KeyRing implements VerificationKeys {
  private readonly active = new Map<SigningAlg, SigningKey>();
  private readonly published = new Map<string, PublicKey>();

  /** Development keys: made at start, gone at exit; tokens do not survive a restart. */
  static async generate(algs: readonly SigningAlg[] = SIGNING_ALGS): Promise<KeyRing> {
    const ring = new KeyRing();
    for (const alg of algs) {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      await ring.add({ ...(await exportJWK(privateKey)), alg });
    }
    return ring;
  }

  /** A JWK set with private keys (KEYS_FILE); the first key of each algorithm signs. */
  static async fromJwks(jwks: { keys?: unknown }): Promise<KeyRing> {
    if (!Array.isArray(jwks.keys) || jwks.keys.length === 0)
      throw new Error('the key set has no "keys"');
    const ring = new KeyRing();
    for (const jwk of jwks.keys as JWK[]) await ring.add(jwk);
    return ring;
  }

  async add(jwk: JWK): Promise<void> {
    const alg = jwk.alg as SigningAlg;
    if (!SIGNING_ALGS.includes(alg)) throw new Error(`key alg must be one of ${SIGNING_ALGS}`);
    if (!jwk.d) throw new Error(`key ${jwk.kid ?? ''} has no private part`);
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    const kid = jwk.kid ?? (await calculateJwkThumbprint(publicJwk));
    const privateKey = (await importJWK(jwk, alg)) as KeyLike;
    const key = (await importJWK(publicJwk, alg)) as KeyLike;
    this.published.set(kid, { alg, key, jwk: { ...publicJwk, kid, alg, use: 'sig' } });
    if (!this.active.has(alg)) this.active.set(alg, { kid, alg, privateKey });
  }

  signingKey(alg: SigningAlg): SigningKey {
    const key = this.active.get(alg);
    if (!key) throw new Error(`no signing key for ${alg}`);
    return key;
  }

  algorithms(): SigningAlg[] {
    return [...this.active.keys()];
  }

  /** The public JWK set served at the jwks_uri (RFC 7517 §5). */
  publicJwks(): { keys: JWK[] } {
    return { keys: [...this.published.values()].map((k) => k.jwk) };
  }

  /** Whether a key is still published (verification caches drop results of withdrawn keys). */
  has(kid: string): boolean {
    return this.published.has(kid);
  }

  /** Looks the key up by `kid` and insists that the header's `alg` is the key's own. */
  verificationKey(header: JWTHeaderParameters): KeyLike | undefined {
    const entry = header.kid === undefined ? undefined : this.published.get(header.kid);
    return entry && entry.alg === header.alg ? entry.key : undefined;
  }
}
