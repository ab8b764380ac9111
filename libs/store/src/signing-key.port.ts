import type { KeyRotationStep } from '@app/events';

/** A step of a runtime key's life, each announced once as `key.rotated` v2 (topics.ts). */
export type KeyStep = KeyRotationStep;

/** A private JWK (RFC 7517 §4) with its `kid` and `alg`; never logged, never on an event. */
export type PrivateJwk = Readonly<Record<string, unknown>> & {
  readonly kid: string;
  readonly alg: string;
};

/** A signing key made at runtime (`POST /admin/keys/rotate`). */
export interface StoredSigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateJwk: PrivateJwk;
  /** Milliseconds since the epoch: when it was made and published in the JWKS. */
  readonly createdAt: number;
  /** Milliseconds since the epoch: when it starts signing (createdAt + the pre-publication). */
  readonly activateAt: number;
}

/**
 * The runtime signing keys every replica shares (Redis, or in memory for one process). Private
 * keys are sealed at rest with the KEYS_KEK when one is set (signing-key.sealer.ts). When a key
 * retires and leaves the JWKS is not stored: every replica derives it from the keys' activation
 * instants (libs/tokens key-schedule.ts), so two rotations racing cannot leave it inconsistent.
 */
export interface SigningKeyStore {
  /** Adds a key; false (and nothing changed) when its `kid` is taken. */
  add(key: StoredSigningKey): Promise<boolean>;
  /** Every key not yet deleted, by activation instant (then `kid`). */
  list(): Promise<StoredSigningKey[]>;
  /** Forgets a key once it has left the JWKS for good. */
  delete(kid: string): Promise<void>;
  /**
   * Claims the announcement of one step of one key, for `leaseMs`: true for one caller across
   * every replica; false while another holds the lease, and for ever once the step is complete.
   */
  claimStep(kid: string, step: KeyStep, leaseMs: number): Promise<boolean>;
  /** The step was announced (its event acknowledged): it is never claimed again. */
  completeStep(kid: string, step: KeyStep): Promise<void>;
  /** The announcement failed: the step may be claimed again at once (by any replica). */
  releaseStep(kid: string, step: KeyStep): Promise<void>;
}

export const SIGNING_KEY_STORE = Symbol('SigningKeyStore');

/** How long a completed step is remembered: far beyond any key's life in the JWKS. */
export const STEP_MEMORY_MS = 400 * 86_400_000;
