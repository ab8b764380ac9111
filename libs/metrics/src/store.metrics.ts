import { Counter, Registry } from 'prom-client';

/** A lost or refused connection, or one command that failed or timed out. */
export type RedisErrorKind = 'connection' | 'command';

/** Redis as its clients see it. `connection` is the connection's name in code: bounded. */
export class StoreMetrics {
  private readonly redisErrors: Counter<'connection' | 'kind'> | undefined;

  /** `registry` null: metrics are off. */
  constructor(registry: Registry | null) {
    if (!registry) return;
    this.redisErrors = new Counter({
      name: 'token_lifecycle_redis_errors_total',
      help: 'Redis errors by connection: connection errors (lost, refused) and failed or timed-out commands.',
      labelNames: ['connection', 'kind'],
      registers: [registry],
    });
  }

  get enabled(): boolean {
    return this.redisErrors !== undefined;
  }

  redisError(connection: string, kind: RedisErrorKind): void {
    this.redisErrors?.inc({ connection, kind });
  }
}
