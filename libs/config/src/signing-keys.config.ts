import { ConfigError } from './config.error';
import { integer } from './env-values';

type Env = Readonly<Record<string, string | undefined>>;

/** `Cache-Control: max-age` of the JWKS document (apps/issuance discovery.controller.ts). */
export const JWKS_MAX_AGE_SECONDS = 60;

/**
 * Added to the longest token lifetime before a retired key leaves the JWKS: verifiers accept a
 * token a few seconds past its `exp` (clock tolerance, 5 s by default in libs/resource-server),
 * and a JWKS response may be served from a cache for its max-age.
 */
export const KEY_RETENTION_MARGIN_SECONDS = JWKS_MAX_AGE_SECONDS;

/** Runtime signing-key rotation (`POST /admin/keys/rotate`, README "Signing keys"). */
export interface SigningKeysConfig {
  /**
   * KEYS_KEK: the AES-256-GCM key-encryption key private keys are sealed with in the key store;
   * absent, they are stored as plain JWKs (development only: production refuses to rotate).
   */
  readonly kek?: Buffer;
  /**
   * KEY_PREPUBLICATION_SECONDS: a new key is in the JWKS this long before it signs, so that every
   * verifier's cached key set holds it by then.
   */
  readonly prepublicationSeconds: number;
}

/** 32 bytes in base64url (43 characters, no padding): `openssl rand 32 | basenc --base64url`. */
const KEK_SYNTAX = /^[A-Za-z0-9_-]{43}$/;

/**
 * Frozen. A malformed KEYS_KEK stops the process: a key sealed under a wrong or truncated KEK
 * could never be opened again. In production the pre-publication delay may not be shorter than
 * the JWKS document's cache lifetime plus the verifiers' unknown-`kid` refetch interval.
 */
export function loadSigningKeysConfig(env: Env, production: boolean): SigningKeysConfig {
  const raw = env.KEYS_KEK || undefined;
  let kek: Buffer | undefined;
  if (raw !== undefined) {
    if (!KEK_SYNTAX.test(raw))
      throw new ConfigError('KEYS_KEK', 'must be 32 bytes in base64url (43 characters)');
    kek = Buffer.from(raw, 'base64url');
  }
  const minimum = production ? JWKS_MAX_AGE_SECONDS + 30 : 0;
  const prepublicationSeconds = integer(
    env.KEY_PREPUBLICATION_SECONDS,
    'KEY_PREPUBLICATION_SECONDS',
    production ? 600 : 10,
    minimum,
    7 * 86_400,
  );
  return Object.freeze({ ...{}, ...(kek ? { kek } : {}), prepublicationSeconds });
}

/** What a development process loaded that production would refuse (with a shared store). */
export function signingKeysWarnings(config: SigningKeysConfig, sharedStore: boolean): string[] {
  if (config.kek || !sharedStore) return [];
  return [
    'KEYS_KEK is unset: signing keys made by POST /admin/keys/rotate are stored in Redis ' +
      'unencrypted; NODE_ENV=production refuses to rotate without it.',
  ];
}
