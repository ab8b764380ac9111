/**
 * Typed access to scripts/infra.js for outage tests: a Kafka broker and a Redis of the suite's
 * own, which it may stop and start again on the same port. The shared ones from the global setup
 * (KAFKA_BROKERS / REDIS_URL) are never touched: they are ignored here, so infra.js starts new.
 */

export interface OwnKafka {
  readonly brokers: string;
  readonly started: boolean;
  /** The running broker's process id (undefined while stopped): a test may SIGKILL it itself. */
  readonly pid: number | undefined;
  /** SIGTERM, SIGKILL after a grace period; the data directory is kept. */
  stopBroker(): Promise<void>;
  /** Same port, same data; resolves once the broker can create a topic. */
  startBroker(): Promise<void>;
  /** Stops for good and removes the data directory. */
  stop(): Promise<void>;
}

export interface OwnRedis {
  readonly url: string;
  readonly started: boolean;
  stopServer(): Promise<void>;
  /** Same port; comes back EMPTY (no persistence). */
  startServer(): Promise<void>;
  stop(): Promise<void>;
}

interface InfraModule {
  ensureKafka(options: { log?: (m: string) => void }): Promise<OwnKafka>;
  ensureRedis(options: { log?: (m: string) => void }): Promise<OwnRedis>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const infra = require('../../scripts/infra') as InfraModule;

/** Starts a broker and a Redis of this suite's own (both in parallel); stops both on failure. */
export async function startOwnInfra(
  log: (m: string) => void = () => undefined,
): Promise<{ kafka: OwnKafka; redis: OwnRedis }> {
  const saved = { KAFKA_BROKERS: process.env.KAFKA_BROKERS, REDIS_URL: process.env.REDIS_URL };
  delete process.env.KAFKA_BROKERS;
  delete process.env.REDIS_URL;
  try {
    const [kafka, redis] = await Promise.allSettled([
      infra.ensureKafka({ log }),
      infra.ensureRedis({ log }),
    ]);
    if (kafka.status === 'rejected' || redis.status === 'rejected') {
      await Promise.allSettled(
        [kafka, redis].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)),
      );
      throw kafka.status === 'rejected' ? kafka.reason : (redis as PromiseRejectedResult).reason;
    }
    if (!kafka.value.started || !redis.value.started)
      throw new Error('outage tests need a broker and a Redis of their own');
    return { kafka: kafka.value, redis: redis.value };
  } finally {
    for (const [name, value] of Object.entries(saved))
      if (value !== undefined) process.env[name] = value;
  }
}
