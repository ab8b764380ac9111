import { Admin, Consumer, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { TOKEN_LIFECYCLE_TOPIC } from '@app/events';
import { eventually } from './int-eventually';

/**
 * Raw kafkajs access for integration specs: reading the log back as an auditor would, writing
 * what a broken producer would, and watching a consumer group's position. Product code is only
 * ever reached through its own adapters; this is the outside view.
 */

/** The broker list the int tier's global setup put in the environment. */
export function brokers(): string[] {
  const list = process.env.KAFKA_BROKERS;
  if (!list) throw new Error('KAFKA_BROKERS is not set: run with --selectProjects int');
  return list.split(',').map((b) => b.trim());
}

/** A unique name for this run: client ids and consumer groups never collide across suites. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function kafkaClient(clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers(),
    connectionTimeout: 2000,
    // Retriable protocol errors (a coordinator still loading) are noise; failures still throw.
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

/** One record as it sits on the log, with its value parsed when it is JSON. */
export interface TopicRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string;
  /** `undefined` when the value is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

/**
 * Reads a topic from its beginning into memory with its own consumer group, so a spec can find
 * the record an action produced (match by jti, digest, ...) without caring about timing.
 */
export class TopicReader {
  private readonly seen: TopicRecord[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(name: string, topic: string = TOKEN_LIFECYCLE_TOPIC): Promise<TopicReader> {
    const groupId = uniqueName(name);
    const consumer = kafkaClient(groupId).consumer({
      groupId,
      heartbeatInterval: 500,
      sessionTimeout: 6000,
      // A short long-poll: disconnecting waits for the fetch in flight.
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
    });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        const value = message.value?.toString('utf8') ?? '';
        reader.seen.push({
          topic: t,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value,
          json: parseOrUndefined(value),
        });
      },
    });
    return reader;
  }

  records(): readonly TopicRecord[] {
    return this.seen;
  }

  /** Every record read so far that matches. */
  filter(match: (r: TopicRecord) => boolean): TopicRecord[] {
    return this.seen.filter(match);
  }

  /** The first record that matches, waiting for it to arrive. */
  async waitFor(
    what: string,
    match: (r: TopicRecord) => boolean,
    timeoutMs = 15_000,
  ): Promise<TopicRecord> {
    const found = await eventually(what, () => this.seen.find(match), Boolean, { timeoutMs });
    return found!;
  }

  close(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** An admin client for one spec; disconnect it in afterAll. */
export async function connectAdmin(name: string): Promise<Admin> {
  const admin = kafkaClient(uniqueName(name)).admin();
  await admin.connect();
  return admin;
}

/**
 * Records the group has yet to commit, over all partitions. A partition without a committed
 * position (or with a pending reset, which kafkajs commits as a negative offset) counts from
 * its earliest retained record.
 */
export async function groupLag(
  admin: Admin,
  groupId: string,
  topic: string = TOKEN_LIFECYCLE_TOPIC,
): Promise<number> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const position = new Map(
    (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
  );
  return ends.reduce((lag, end) => {
    const at = position.get(end.partition) ?? -1;
    const from = at >= 0 ? at : Number(end.low);
    return lag + Math.max(0, Number(end.high) - from);
  }, 0);
}

/** Waits until the group has committed everything on the topic now. */
export function waitForGroupCaughtUp(
  admin: Admin,
  groupId: string,
  timeoutMs = 30_000,
): Promise<number> {
  return eventually(
    `consumer group ${groupId} to catch up`,
    () => groupLag(admin, groupId),
    (lag) => lag === 0,
    {
      timeoutMs,
      intervalMs: 100,
    },
  );
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
