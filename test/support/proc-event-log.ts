import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { LifecycleEvent, parseLifecycleEvent, TOKEN_LIFECYCLE_TOPIC } from '@app/events';

/** What a read of the lifecycle topic found. */
export interface LogSnapshot {
  readonly events: LifecycleEvent[];
  /** Records that did not parse as lifecycle events (should be none). */
  readonly malformed: number;
  /** Records read, per partition, up to the high watermark taken at the start. */
  readonly records: number;
  readonly ms: number;
}

const kafkaFor = (brokers: string, clientId: string) =>
  new Kafka({
    clientId,
    brokers: brokers.split(','),
    connectionTimeout: 2000,
    logLevel: logLevel.NOTHING,
  });

/**
 * Reads `oauth.token-lifecycle.v1` from the beginning with a fresh, unique consumer group, as an
 * auditor would, up to the end of the log as it was when the read began (the high watermark of
 * every partition). Everything is disconnected before it returns, also on failure.
 */
export async function readLifecycleLog(
  brokers: string,
  { timeoutMs = 60_000, topic = TOKEN_LIFECYCLE_TOPIC } = {},
): Promise<LogSnapshot> {
  const t0 = Date.now();
  const kafka = kafkaFor(brokers, 'int-log-reader');
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    // On a fresh broker no service may have created the topic yet: the log is then empty.
    if (!(await admin.listTopics()).includes(topic)) {
      return { events: [], malformed: 0, records: 0, ms: Date.now() - t0 };
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const events: LifecycleEvent[] = [];
  let malformed = 0;
  let records = 0;
  // Next offset to read, per partition; done when every partition reached its end.
  const next = new Map<number, bigint>([...ends.keys()].map((p) => [p, 0n]));
  const caughtUp = () => [...ends].every(([p, end]) => (next.get(p) ?? 0n) >= end);
  if (caughtUp()) return { events, malformed, records, ms: Date.now() - t0 };

  const consumer = kafka.consumer({
    groupId: `int-audit-${randomUUID()}`,
    heartbeatInterval: 500,
    sessionTimeout: 6000,
    allowAutoTopicCreation: false,
  });
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const offset = BigInt(m.offset);
          if (offset >= (ends.get(batch.partition) ?? 0n)) continue;
          records++;
          const parsed = parseLifecycleEvent(m.value ?? '');
          if (parsed.ok) events.push(parsed.event);
          else malformed++;
        }
        if (batch.messages.length > 0) {
          const last = BigInt(batch.lastOffset()) + 1n;
          if (last > (next.get(batch.partition) ?? 0n)) next.set(batch.partition, last);
        }
        if (caughtUp()) finish();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading ${topic} did not reach its end within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([done, timedOut]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return { events, malformed, records, ms: Date.now() - t0 };
}

/**
 * How many events of the topic a consumer group has not committed yet (sum over partitions);
 * a group that never committed counts every retained event.
 */
export async function groupLag(
  brokers: string,
  groupId: string,
  topic = TOKEN_LIFECYCLE_TOPIC,
): Promise<number> {
  const admin = kafkaFor(brokers, 'int-lag-probe').admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const at = new Map(committed!.partitions.map((p) => [p.partition, BigInt(p.offset)]));
    let lag = 0n;
    for (const e of ends) {
      const c = at.get(e.partition) ?? -1n;
      lag += BigInt(e.high) - (c < 0n ? BigInt(e.low) : c);
    }
    return Number(lag);
  } finally {
    await admin.disconnect();
  }
}
