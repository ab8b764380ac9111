import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PrivateJwk } from './signing-key.port';

/** How a private JWK is kept at rest: sealed under the KEK, or plain (no KEYS_KEK). */
type AtRest =
  | { readonly enc: 'A256GCM'; readonly iv: string; readonly ct: string; readonly tag: string }
  | { readonly jwk: PrivateJwk };

/**
 * Seals private JWKs with AES-256-GCM under the key-encryption key (KEYS_KEK): a 96-bit random
 * IV per key (NIST SP 800-38D §8.2.2), and the key's `kid` and `alg` as additional data, so that
 * a sealed key moved to another record does not open. Errors never quote key material.
 */
export class SigningKeySealer {
  constructor(private readonly kek?: Buffer) {
    if (kek !== undefined && kek.length !== 32) throw new Error('the KEK must be 32 bytes');
  }

  get encrypts(): boolean {
    return this.kek !== undefined;
  }

  seal(jwk: PrivateJwk): string {
    if (!this.kek) return JSON.stringify({ jwk } satisfies AtRest);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.kek, iv);
    cipher.setAAD(additionalData(jwk.kid, jwk.alg));
    const ct = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
    const sealed: AtRest = {
      enc: 'A256GCM',
      iv: iv.toString('base64url'),
      ct: ct.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
    };
    return JSON.stringify(sealed);
  }

  /** The private JWK of key `kid` (`alg`); a plain one is read with or without a KEK. */
  open(kid: string, alg: string, atRest: string): PrivateJwk {
    const stored = JSON.parse(atRest) as AtRest;
    if ('jwk' in stored) return stored.jwk;
    if (!this.kek) throw new Error(`signing key ${kid} is sealed: KEYS_KEK is needed to open it`);
    let plain: string;
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.kek,
        Buffer.from(stored.iv, 'base64url'),
      );
      decipher.setAAD(additionalData(kid, alg));
      decipher.setAuthTag(Buffer.from(stored.tag, 'base64url'));
      plain = decipher.update(stored.ct, 'base64url', 'utf8') + decipher.final('utf8');
    } catch {
      throw new Error(`signing key ${kid} does not open with this KEYS_KEK (another KEK?)`);
    }
    const jwk = JSON.parse(plain) as PrivateJwk;
    if (jwk.kid !== kid || jwk.alg !== alg) throw new Error(`signing key ${kid} is not its own`);
    return jwk;
  }
}

const additionalData = (kid: string, alg: string) => Buffer.from(`${kid}\n${alg}`, 'utf8');
