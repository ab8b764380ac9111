import { integer } from './env-values';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Load shedding (libs/platform LoadShedder): past `lagMs` of event-loop delay a service answers
 * new requests 503 with Retry-After instead of queueing them until their callers time out.
 */
export interface LoadSheddingConfig {
  /** SHED_EVENT_LOOP_LAG_MS: the bound; 0 (the default) turns shedding off. */
  readonly lagMs: number;
  /** SHED_RETRY_AFTER_SECONDS: what a shed request is told to wait. */
  readonly retryAfterSeconds: number;
}

export function loadSheddingConfig(env: Env): LoadSheddingConfig {
  return {
    lagMs: integer(env.SHED_EVENT_LOOP_LAG_MS, 'SHED_EVENT_LOOP_LAG_MS', 0, 0, 60_000),
    retryAfterSeconds: integer(
      env.SHED_RETRY_AFTER_SECONDS,
      'SHED_RETRY_AFTER_SECONDS',
      1,
      1,
      3600,
    ),
  };
}
