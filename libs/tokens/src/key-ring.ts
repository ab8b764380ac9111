import { KeyObject } from 'node:crypto';
import {
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  JWK,
  JWTHeaderParameters,
  KeyLike,
} from 'jose';
import { SigningAlg, SIGNING_ALGS } from '@app/config';
import { signCompactJws } from './compact-jws.signer';
import { VerificationKeys } from './verification-keys';

export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly privateKey: KeyLike;
  /** The key's curve (`P-256`, `Ed25519`, `Ed448`): with EdDSA it decides the token hash. */
  readonly crv?: string;
}

interface PublicKey {
  readonly alg: SigningAlg;
  readonly key: KeyLike;
  readonly jwk: JWK;
}

/**
 * The issuer's signing keys: one active key per algorithm, and every public key that verifiers
 * may still meet. Key objects are imported once here, never per request.
 *
 * Each key serves exactly one algorithm (RFC 8725 §3.1), and its published JWK names it in `alg`
 * (RFC 7517 §4.4), so a verifier never tries a key under an algorithm it was not made for. An
 * RSA key could sign both RS256 and PS256, but then one JWK would have to be published twice
 * under two `kid`s: RS256 and PS256 get an RSA key each instead, and the same key material
 * given twice is refused.
 */
export class KeyRing implements VerificationKeys {
  private readonly active = new Map<SigningAlg, SigningKey>();
  private readonly published = new Map<string, PublicKey>();
  /** RFC 7638 thumbprints of the keys held: the same material never serves two entries. */
  private readonly thumbprints = new Set<string>();

  /** Development keys: made at start, gone at exit; tokens do not survive a restart. */
  static async generate(algs: readonly SigningAlg[] = SIGNING_ALGS): Promise<KeyRing> {
    // RSA key generation is the slow part of a start: make the keys side by side.
    const jwks = await Promise.all(
      algs.map(async (alg) => {
        const { privateKey } = await generateKeyPair(alg, { extractable: true });
        return { ...(await exportJWK(privateKey)), alg };
      }),
    );
    const ring = new KeyRing();
    for (const jwk of jwks) await ring.add(jwk);
    return ring;
  }

  /**
   * A JWK set with private keys (KEYS_FILE); the first key of each algorithm signs. Errors name
   * the key by its index and never quote it: the set is private key material.
   */
  static async fromJwks(jwks: unknown): Promise<KeyRing> {
    const keys = (jwks as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys) || keys.length === 0) throw new Error('the key set has no "keys"');
    const ring = new KeyRing();
    for (const [i, jwk] of keys.entries()) {
      try {
        if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
          throw new Error('must be a JWK object');
        await ring.add(jwk as JWK);
      } catch (e) {
        throw new Error(`keys[${i}]: ${(e as Error).message}`);
      }
    }
    return ring;
  }

  /** Adds a private JWK; its errors never quote the key. */
  async add(jwk: JWK): Promise<void> {
    const alg = jwk.alg as SigningAlg;
    if (!SIGNING_ALGS.includes(alg)) throw new Error(`key alg must be one of ${SIGNING_ALGS}`);
    if (typeof jwk.d !== 'string') throw new Error('the key has no private part ("d")');
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
    let imported: { thumbprint: string; privateKey: KeyLike; key: KeyLike };
    try {
      imported = {
        thumbprint: await calculateJwkThumbprint(publicJwk),
        privateKey: (await importJWK(jwk, alg)) as KeyLike,
        key: (await importJWK(publicJwk, alg)) as KeyLike,
      };
    } catch (e) {
      // jose and node:crypto explain in their own words, which may one day include the input.
      const code = (e as { code?: unknown }).code;
      throw new Error(
        `cannot be imported as an ${alg} private key` +
          (typeof code === 'string' ? ` (${code})` : ''),
      );
    }
    // Import checks neither that the key suits `alg` nor that `d` belongs to the public part:
    // find out now, not when the first token is signed or verified.
    try {
      const probe = signCompactJws({ alg }, {}, alg, imported.privateKey as KeyObject);
      await compactVerify(probe, imported.key, { algorithms: [alg] });
    } catch {
      throw new Error(`is not a working ${alg} key pair: a test signature did not verify`);
    }
    const { thumbprint, privateKey, key } = imported;
    const kid = jwk.kid ?? thumbprint;
    // RFC 8725 §3.1: each key is used with exactly one algorithm; RFC 7517 §4.5: a kid names one key.
    if (this.thumbprints.has(thumbprint))
      throw new Error('is a key already in the set: each key serves one algorithm, once');
    if (this.published.has(kid)) throw new Error(`its kid "${kid}" is already used by another key`);
    this.thumbprints.add(thumbprint);
    this.published.set(kid, { alg, key, jwk: { ...publicJwk, kid, alg, use: 'sig' } });
    if (!this.active.has(alg))
      this.active.set(alg, {
        kid,
        alg,
        privateKey,
        ...(typeof jwk.crv === 'string' ? { crv: jwk.crv } : {}),
      });
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
