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
  readonly signing: SigningKey;
  readonly thumbprint: string;
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
 *
 * Keys seeded at start (`add`) sign as KEYS_FILE says; runtime rotation (README "Signing keys")
 * then adds keys (`addRuntime`), moves signing to them (`activate`) and withdraws retired keys
 * from the set (`withdraw`), on every replica alike, as its key schedule says.
 */
export class KeyRing implements VerificationKeys {
  private readonly active = new Map<SigningAlg, SigningKey>();
  private readonly published = new Map<string, PublicKey>();
  /** RFC 7638 thumbprints of the keys held: the same material never serves two entries. */
  private readonly thumbprints = new Set<string>();
  /** The seed keys in order (kept when withdrawn: the schedule is computed from them). */
  private readonly seedKeys: { kid: string; alg: SigningAlg; signs: boolean }[] = [];

  /** Development keys: made at start, gone at exit; tokens do not survive a restart. */
  static async generate(algs: readonly SigningAlg[] = SIGNING_ALGS): Promise<KeyRing> {
    // RSA key generation is the slow part of a start: make the keys side by side.
    const jwks = await Promise.all(
      algs.map(async (alg) => {
        const { privateKey } = await generateKeyPair(alg, { extractable: true });
        return { ...{}, ...(await exportJWK(privateKey)), alg };
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

  /** Adds a private JWK as a seed key (the first of its algorithm signs); never quotes the key. */
  async add(jwk: JWK): Promise<void> {
    await this.addKey(jwk, true);
  }

  /** Adds a key made at runtime: published now, signing only once activated. */
  async addRuntime(jwk: JWK): Promise<void> {
    await this.addKey(jwk, false);
  }

  private async addKey(jwk: JWK, seed: boolean): Promise<void> {
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
    const signing: SigningKey = {
      kid,
      alg,
      privateKey,
      ...(typeof jwk.crv === 'string' ? { crv: jwk.crv } : {}),
    };
    this.thumbprints.add(thumbprint);
    const entry = {
      alg,
      key,
      jwk: { ...{}, ...publicJwk, kid, alg, use: 'sig' },
      signing,
      thumbprint,
    };
    this.published.set(kid, entry);
    if (!seed) return;
    const signs = !this.seedKeys.some((k) => k.alg === alg && k.signs);
    this.seedKeys.push({ kid, alg, signs });
    if (signs) this.active.set(alg, signing);
  }

  /** The seed keys, each with whether it signed at start (the key schedule's input). */
  seeds(): { kid: string; alg: SigningAlg; signs: boolean }[] {
    return this.seedKeys.map((k) => ({ ...k }));
  }

  /** Tokens of `kid`'s algorithm are signed with it from now on. */
  activate(kid: string): void {
    const entry = this.published.get(kid);
    if (!entry) throw new Error(`no key ${kid} in the ring`);
    this.active.set(entry.alg, entry.signing);
  }

  /** Takes a retired key out of the set: tokens it signed no longer verify. */
  withdraw(kid: string): void {
    const entry = this.published.get(kid);
    if (!entry) return;
    if (this.active.get(entry.alg)?.kid === kid) throw new Error(`key ${kid} still signs`);
    this.published.delete(kid);
    this.thumbprints.delete(entry.thumbprint);
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
