import { ConfigError } from './config.error';
import { boolean, integer } from './env-values';

type Env = Readonly<Record<string, string | undefined>>;

/** Shortest accepted DPOP_NONCE_SECRET: an HMAC key of at least 256 bits of text. */
const MIN_SECRET_LENGTH = 32;

/**
 * The nonce key used when DPOP_NONCE_REQUIRED is set without DPOP_NONCE_SECRET in development:
 * public, so anyone can compute the nonces it makes. NODE_ENV=production refuses it.
 */
export const DEV_DPOP_NONCE_SECRET = 'development-only-dpop-nonce-secret-do-not-deploy';

/** Server nonces (RFC 9449 §8, §9): stateless, so every replica sharing the key accepts them. */
export interface DpopNonceConfig {
  /** HMAC key of the nonces; the same on every replica of one server. */
  readonly secret: string;
  /** Seconds a nonce value is current; it is still accepted during the next window. */
  readonly windowSeconds: number;
}

/** How DPoP proofs (RFC 9449 §4.3) are checked, by the token endpoint and by resource servers. */
export interface DpopConfig {
  /** A proof is accepted for this many seconds after its `iat` (RFC 9449 §11.1). */
  readonly proofMaxAgeSeconds: number;
  /** A proof's `iat` may be this many seconds ahead of our clock (the client's clock is fast). */
  readonly clockSkewSeconds: number;
  /** Present when every proof must carry a nonce of ours (DPOP_NONCE_REQUIRED). */
  readonly nonce?: DpopNonceConfig;
}

/**
 * Frozen, as every configuration object. Every variable is validated whenever it is set; nonces are required only with
 * DPOP_NONCE_REQUIRED, and only then does NODE_ENV=production refuse a missing secret.
 */
export function loadDpopConfig(env: Env, production: boolean): DpopConfig {
  const secret = env.DPOP_NONCE_SECRET || undefined;
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH)
    throw new ConfigError('DPOP_NONCE_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
  const required = boolean(env.DPOP_NONCE_REQUIRED, 'DPOP_NONCE_REQUIRED', false);
  if (required && secret === undefined && production)
    throw new ConfigError(
      'DPOP_NONCE_SECRET',
      'is required when NODE_ENV=production and DPOP_NONCE_REQUIRED is true: without it the ' +
        'nonces would use the public development key, which anyone can compute them with',
    );
  const windowSeconds = integer(
    env.DPOP_NONCE_WINDOW_SECONDS,
    'DPOP_NONCE_WINDOW_SECONDS',
    60,
    10,
    3600,
  );
  return Object.freeze({
    proofMaxAgeSeconds: integer(
      env.DPOP_PROOF_MAX_AGE_SECONDS,
      'DPOP_PROOF_MAX_AGE_SECONDS',
      60,
      5,
      300,
    ),
    clockSkewSeconds: integer(env.DPOP_CLOCK_SKEW_SECONDS, 'DPOP_CLOCK_SKEW_SECONDS', 5, 0, 60),
    nonce: required
      ? Object.freeze({ secret: secret ?? DEV_DPOP_NONCE_SECRET, windowSeconds })
      : undefined,
  });
}

/** What a development process loaded that production would refuse. */
export function dpopWarnings(config: DpopConfig): string[] {
  if (config.nonce?.secret !== DEV_DPOP_NONCE_SECRET) return [];
  return [
    'DPOP_NONCE_REQUIRED is true but DPOP_NONCE_SECRET is unset: DPoP nonces use the public ' +
      'development key, so anyone can compute them; NODE_ENV=production refuses to start without it.',
  ];
}
