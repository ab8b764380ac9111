import { Logger } from '@nestjs/common';
import { Admin, Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { KafkaConfig } from '@app/config';
import { LifecycleEvent } from '../event-envelope';
import { EventBus, EventBusUnavailable, EventHandler, SubscribeOptions } from '../event-bus.port';
import { parseLifecycleEvent } from '../event.parser';
import { TOKEN_LIFECYCLE_TOPIC, TOPIC_OF, SIGNING_KEYS_TOPIC } from '../topics';
import { MicroBatcher } from './micro-batcher';

const log = new Logger('Kafka');

/**
 * The event log on Kafka. The producer is idempotent with `acks=all` (-1): a publish resolves
 * once every in-sync replica has the event. Events are keyed by their partition key (grant,
 * else client) so one grant's history stays ordered in one partition.
 */
export class KafkaEventBus implements EventBus {
  private readonly batcher: MicroBatcher<LifecycleEvent>;
  private readonly consumers: Consumer[] = [];
  private malformed = 0;

  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly admin: Admin,
    private readonly config: KafkaConfig,
  ) {
    this.batcher = new MicroBatcher(
      (events) => this.send(events),
      config.lingerMs,
      config.maxBatch,
    );
  }

  static async connect(config: KafkaConfig): Promise<KafkaEventBus> {
    const kafka = new Kafka({
      clientId: config.clientId,
      brokers: [...config.brokers],
      connectionTimeout: 1000,
      requestTimeout: Math.min(config.publishTimeoutMs, 10_000),
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => log.warn(`${entry.namespace}: ${entry.log.message}`),
    });
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    const bus = new KafkaEventBus(kafka, producer, admin, config);
    await bus.ensureTopics();
    return bus;
  }

  async publish(event: LifecycleEvent): Promise<void> {
    try {
      await withTimeout(this.batcher.add(event), this.config.publishTimeoutMs);
    } catch (e) {
      throw new EventBusUnavailable(e);
    }
  }

  async subscribe(options: SubscribeOptions, handler: EventHandler): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: options.group,
      heartbeatInterval: 1000,
      sessionTimeout: 10_000,
      allowAutoTopicCreation: false,
    });
    this.consumers.push(consumer);
    if (options.replay) await this.rewind(options.group);
    await consumer.connect();
    await consumer.subscribe({
      topics: [TOKEN_LIFECYCLE_TOPIC],
      fromBeginning: !!options.fromBeginning,
    });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const parsed = parseLifecycleEvent(message.value ?? '');
        if (!parsed.ok) {
          this.malformed++;
          log.warn(
            `skipped malformed event ${topic}/${partition}@${message.offset}: ${parsed.reason} (${parsed.detail})`,
          );
          return;
        }
        // A throw makes kafkajs deliver the message again: handlers are idempotent.
        await handler(parsed.event);
      },
    });
  }

  /** Moves a group (with no live members) to the earliest retained offset of every partition. */
  private async rewind(group: string): Promise<void> {
    const described = await this.admin.describeGroups([group]);
    if (described.groups.some((g) => g.members.length > 0))
      throw new Error(`consumer group ${group} has live members: cannot replay the log`);
    await this.admin.resetOffsets({ groupId: group, topic: TOKEN_LIFECYCLE_TOPIC, earliest: true });
  }

  /** How many malformed messages the consumers skipped. */
  malformedCount(): number {
    return this.malformed;
  }

  async ready(): Promise<boolean> {
    try {
      await withTimeout(this.admin.describeCluster(), 1000);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.batcher.drainAll();
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private async send(events: LifecycleEvent[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: string }[]>();
    for (const e of events) {
      const topic = TOPIC_OF[e.type];
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: e.partitionkey, value: JSON.stringify(e) });
      byTopic.set(topic, messages);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  private async ensureTopics(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = [TOKEN_LIFECYCLE_TOPIC, SIGNING_KEYS_TOPIC].filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: this.config.topicPartitions,
        replicationFactor: this.config.replicationFactor,
        configEntries: [
          {
            name: 'min.insync.replicas',
            value: String(Math.min(2, this.config.replicationFactor)),
          },
        ],
      })),
    });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
