import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { KafkaConfig } from '@app/config';
import { failed, tracingOn } from '@app/tracing';
import { AnyLifecycleEvent, LifecycleEvent } from '../event-envelope';
import {
  EventBus,
  EventBusUnavailable,
  EventHandler,
  EventsHealth,
  SubscribeOptions,
} from '../event-bus.port';
import { parseLifecycleEvent } from '../event.parser';
import {
  CONTROLLER_PROBE_TOPIC,
  REGISTRY_TOPIC,
  TOKEN_LIFECYCLE_TOPIC,
  TOPIC_OF,
  SIGNING_KEYS_TOPIC,
} from '../topics';
import { errorName, onFatalCrash, stopRestartsOnceClosed } from './consumer-crash';
import { KafkaClients, kafkaClients } from './kafka-clients';
import { lifecycleConsumerConfig } from './lifecycle-consumer.config';
import { EventMetrics } from '@app/metrics';
import { PublishMeter } from '../publish.meter';
import { kafkaHeaders, processInSpan, startPublishSpan } from './kafka-trace';
import { MicroBatcher } from './micro-batcher';
import { ProducerSession } from './producer-session';
import { controllerAnswers, replicaHealth } from './replica-health';
import { logSkippedMessage } from './skipped-message';

const log = new Logger('Kafka');
const RESUBSCRIBE_DELAY_MS = 1000;

/**
 * The event log on Kafka. The producer is idempotent with `acks=all` (-1): a publish resolves
 * once every in-sync replica has the event. Events are keyed by their partition key (grant,
 * else client) so one grant's history stays ordered in one partition. After a failed send the
 * producer is replaced (a new producer id) before the next batch: see ProducerSession.
 */
export class KafkaEventBus implements EventBus {
  private readonly batcher: MicroBatcher<LifecycleEvent>;
  private readonly producer: ProducerSession;
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly consumers: Consumer[] = [];
  /** The groups of `follow`'s readers, one per process and topic: deleted at close. */
  private readonly followerGroups = new Set<string>();
  /**
   * The Kafka headers of events being published, when tracing is on: kept beside the event
   * rather than in a wrapper, so that without tracing a publish allocates nothing more.
   */
  private readonly headers = new WeakMap<LifecycleEvent, IHeaders>();
  private malformed = 0;
  private closed = false;

  private constructor(
    clients: KafkaClients,
    private readonly config: KafkaConfig,
    private readonly meter: PublishMeter,
    private readonly metrics: EventMetrics | undefined,
  ) {
    ({ kafka: this.kafka, admin: this.admin } = clients);
    this.producer = new ProducerSession(clients.newProducer);
    // One batch in flight at a time: this is also what serializes a producer's replacement
    // with the sends around it.
    this.batcher = new MicroBatcher(
      (events) => this.send(events),
      config.lingerMs,
      config.maxBatch,
    );
  }

  /** `meter` and `metrics` (absent: nothing measured) time publishes and count Kafka errors. */
  static async connect(
    config: KafkaConfig,
    clients: KafkaClients = kafkaClients(config),
    observe: { meter?: PublishMeter; metrics?: EventMetrics } = {},
  ): Promise<KafkaEventBus> {
    const bus = new KafkaEventBus(
      clients,
      config,
      observe.meter ?? new PublishMeter(observe.metrics),
      observe.metrics,
    );
    await Promise.all([bus.producer.open(), bus.admin.connect()]);
    await bus.ensureTopics();
    return bus;
  }

  publish(event: LifecycleEvent): Promise<void> {
    // Decided per call but outside the awaited body: without tracing, a publish is exactly
    // what it was (a traced variant in the same async function costs its frame ~30 bytes more
    // per event: docs/architecture.md "Traces").
    return tracingOn() ? this.publishTraced(event) : this.acknowledged(event);
  }

  private async acknowledged(event: LifecycleEvent): Promise<void> {
    const startedAt = this.meter.start();
    try {
      await withTimeout(this.batcher.add(event), this.config.publishTimeoutMs);
    } catch (e) {
      this.meter.failed(event);
      throw new EventBusUnavailable(e);
    }
    this.meter.acknowledged(event, startedAt);
  }

  /** In a `publish` span, its W3C trace context in the event's Kafka headers. */
  private async publishTraced(event: LifecycleEvent): Promise<void> {
    const { span, headers } = startPublishSpan(event);
    if (headers) this.headers.set(event, kafkaHeaders(headers));
    try {
      await this.acknowledged(event);
    } catch (e) {
      failed(span, e);
      throw e;
    } finally {
      span.end();
    }
  }

  async subscribe(options: SubscribeOptions, handler: EventHandler): Promise<void> {
    const consumer = this.consumer(options.group);
    const topic = TOKEN_LIFECYCLE_TOPIC;
    // After each batch: how many events of its partition are still to come.
    const { onLag, onAssigned } = options;
    if (onLag)
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
        onLag(payload.partition, Number(payload.offsetLag)),
      );
    if (onAssigned)
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
        onAssigned(payload.memberAssignment[topic] ?? []),
      );
    // kafkajs restarts a crashed consumer only after a retriable error; after any other (a group
    // coordinator not found on a broker that has just started, say) the consumer stays stopped
    // for good, and with it the projector. Subscribe again instead.
    onFatalCrash(consumer, (e) => {
      this.forget(consumer);
      if (this.closed) return;
      log.warn(`consumer of ${options.group} stopped (${errorName(e)}): subscribing again`);
      this.resubscribe(options, handler);
    });
    await consumer.connect();
    // On several brokers the one asked may learn of a topic just created after the controller
    // made it: its UNKNOWN_TOPIC_OR_PARTITION (retriable) rejected this call, and nothing
    // subscribed again (a projector stopped for good on a fresh cluster).
    await retrying(() =>
      consumer.subscribe({ topics: [topic], fromBeginning: !!options.fromBeginning }),
    );
    // Closed meanwhile: close() disconnected it before this run would start it again.
    if (this.closed) return void (await consumer.disconnect());
    await consumer.run({
      eachMessage: tracingOn()
        ? async ({ partition, message }) => {
            await this.deliverTraced(
              handler,
              TOKEN_LIFECYCLE_TOPIC,
              partition,
              message,
              options.group,
            );
          }
        : async ({ partition, message }) => {
            await this.deliver(handler, TOKEN_LIFECYCLE_TOPIC, partition, message);
          },
    });
  }

  async replay(handler: EventHandler): Promise<number> {
    const ends = await retrying(() => this.admin.fetchTopicOffsets(TOKEN_LIFECYCLE_TOPIC));
    // The last offset of each non-empty partition as of now: the replay stops there.
    const remaining = new Map(
      ends
        .filter((p) => Number(p.high) > Number(p.low))
        .map((p) => [p.partition, Number(p.high) - 1]),
    );
    if (remaining.size === 0) return 0;
    const group = `${this.config.clientId}-replay-${randomUUID()}`;
    const consumer = this.consumer(group);
    let count = 0;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [TOKEN_LIFECYCLE_TOPIC], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        // A consumer that kafkajs will not restart would leave the replay waiting for ever.
        onFatalCrash(consumer, reject);
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              const delivered = tracingOn()
                ? await this.deliverTraced(
                    handler,
                    TOKEN_LIFECYCLE_TOPIC,
                    partition,
                    message,
                    group,
                  )
                : await this.deliver(handler, TOKEN_LIFECYCLE_TOPIC, partition, message);
              if (delivered) count++;
              const last = remaining.get(partition);
              if (last !== undefined && Number(message.offset) >= last) remaining.delete(partition);
              if (remaining.size === 0) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      this.forget(consumer);
      await this.admin.deleteGroups([group]).catch(() => undefined);
    }
    return count;
  }

  /**
   * A reader of this process's own (a group of one, never shared), so every process sees every
   * event: the registry's snapshot follows its topic this way, as mirrors follow the revocation
   * stream. It reads from the oldest retained event (a compacted topic keeps each key's latest),
   * and resolves once it has passed the last offset each partition held at the call. After a
   * crash kafkajs does not recover from, a new reader of the same group resumes from the offsets
   * it committed, so nothing is missed and nothing old is applied again over newer state.
   */
  async follow(topic: string, handler: EventHandler): Promise<void> {
    const ends = await retrying(() => this.admin.fetchTopicOffsets(topic));
    const remaining = new Map(
      ends
        .filter((p) => Number(p.high) > Number(p.low))
        .map((p) => [p.partition, Number(p.high) - 1]),
    );
    const group = `${this.config.clientId}-follow-${randomUUID()}`;
    this.followerGroups.add(group);
    await new Promise<void>((caughtUp, failed) => {
      const onMessage = async (partition: number, message: KafkaMessage) => {
        if (tracingOn()) await this.deliverTraced(handler, topic, partition, message, group);
        else await this.deliver(handler, topic, partition, message);
        const last = remaining.get(partition);
        if (last !== undefined && Number(message.offset) >= last) remaining.delete(partition);
        if (remaining.size === 0) caughtUp();
      };
      // An empty topic: current once the reader runs.
      this.runFollower(topic, group, onMessage).then(
        () => remaining.size === 0 && caughtUp(),
        failed,
      );
    });
  }

  private async runFollower(
    topic: string,
    group: string,
    onMessage: (partition: number, message: KafkaMessage) => Promise<void>,
  ): Promise<void> {
    // Changes are rare and each is waited for (the writer answers once its own replica has it):
    // a fetch must not wait for 64 KiB of them.
    const consumer = this.consumer(group, true);
    onFatalCrash(consumer, (e) => {
      this.forget(consumer);
      if (this.closed) return;
      log.warn(`follower of ${topic} stopped (${errorName(e)}): following again`);
      const again = () =>
        setTimeout(() => {
          if (this.closed) return;
          this.runFollower(topic, group, onMessage).catch(again);
        }, RESUBSCRIBE_DELAY_MS).unref();
      again();
    });
    await consumer.connect();
    await retrying(() => consumer.subscribe({ topics: [topic], fromBeginning: true }));
    if (this.closed) return void (await consumer.disconnect());
    await consumer.run({
      eachMessage: ({ partition, message }) => onMessage(partition, message),
    });
  }

  /** A second subscription a second later, and again after every failure to subscribe. */
  private resubscribe(options: SubscribeOptions, handler: EventHandler): void {
    setTimeout(() => {
      if (this.closed) return;
      this.subscribe(options, handler).catch((e: unknown) => {
        log.warn(`subscribing ${options.group} again failed (${errorName(e)}): retrying`);
        this.resubscribe(options, handler);
      });
    }, RESUBSCRIBE_DELAY_MS).unref();
  }

  private forget(consumer: Consumer): void {
    const i = this.consumers.indexOf(consumer);
    if (i >= 0) this.consumers.splice(i, 1);
  }

  /** `latency`: fetches answered as soon as one event is there (a follower's rare changes). */
  private consumer(groupId: string, latency = false): Consumer {
    const config = lifecycleConsumerConfig(groupId);
    const consumer = this.kafka.consumer(latency ? { ...{}, ...config, minBytes: 1 } : config);
    // Every crash, restarted by kafkajs or not (a fatal one is also resubscribed, above).
    if (this.metrics) consumer.on(consumer.events.CRASH, () => this.metrics?.kafkaError('consume'));
    stopRestartsOnceClosed(consumer, () => this.closed);
    this.consumers.push(consumer);
    return consumer;
  }

  /** Parses and hands over one message; a malformed one is counted, logged and skipped. */
  private async deliver(
    handler: EventHandler,
    topic: string,
    partition: number,
    message: KafkaMessage,
  ) {
    const event = this.parse(topic, partition, message);
    if (!event) return false;
    // A throw makes kafkajs deliver the message again: handlers are idempotent.
    await handler(event);
    return true;
  }

  /**
   * `deliver` in a `process` span continuing the trace of the event's headers. Chosen when the
   * consumer starts (tracing starts before the application), so that without tracing the
   * per-message path is exactly `deliver`: a branch or a closure there costs an allocation per
   * message (measured: docs/architecture.md "Traces").
   */
  private async deliverTraced(
    handler: EventHandler,
    topic: string,
    partition: number,
    message: KafkaMessage,
    group?: string,
  ) {
    const event = this.parse(topic, partition, message);
    if (!event) return false;
    const { offset, headers } = message;
    const consumed = { topic, partition, offset, headers, group };
    await processInSpan(event, consumed, () => handler(event));
    return true;
  }

  private parse(
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): AnyLifecycleEvent | undefined {
    const parsed = parseLifecycleEvent(message.value ?? '');
    if (parsed.ok) return parsed.event;
    this.malformed++;
    this.metrics?.kafkaError('decode');
    logSkippedMessage({
      topic,
      partition,
      offset: message.offset,
      reason: parsed.reason,
      detail: parsed.detail,
    });
    return undefined;
  }

  /** How many malformed messages the consumers skipped. */
  malformedCount(): number {
    return this.malformed;
  }

  async ready(): Promise<boolean> {
    return (await this.readiness()).up;
  }

  /**
   * The cluster answers, and each partition of the topics has enough in-sync replicas for an
   * `acks=all` write (min.insync.replicas, as ensureTopics set it).
   */
  async readiness(): Promise<EventsHealth> {
    try {
      await withTimeout(this.admin.describeCluster(), 1000);
    } catch (e) {
      return { up: false, reason: `Kafka does not answer: ${errorName(e)}` };
    }
    // Replicated: the metadata below is only as current as the broker's link to the controllers.
    if (this.config.replicationFactor > 1) {
      try {
        await withTimeout(controllerAnswers(this.admin, CONTROLLER_PROBE_TOPIC, 1000), 1000);
      } catch (e) {
        return { up: false, reason: `no Kafka controller answers: ${errorName(e)}` };
      }
    }
    try {
      const topics = [TOKEN_LIFECYCLE_TOPIC, SIGNING_KEYS_TOPIC, REGISTRY_TOPIC];
      return await withTimeout(replicaHealth(this.admin, topics, this.minInsync()), 1000);
    } catch (e) {
      return { up: false, reason: `Kafka topic metadata unavailable: ${errorName(e)}` };
    }
  }

  /** What ensureTopics sets: two copies acknowledged when there are two or more. */
  private minInsync(): number {
    return Math.min(2, this.config.replicationFactor);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.batcher.drainAll();
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    // A follower's group is this process's alone: nobody resumes it.
    if (this.followerGroups.size > 0)
      await this.admin.deleteGroups([...this.followerGroups]).catch(() => undefined);
    await Promise.allSettled([this.producer.close(), this.admin.disconnect()]);
  }

  private async send(events: LifecycleEvent[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: string; headers?: IHeaders }[]>();
    for (const e of events) {
      const topic = TOPIC_OF[e.type];
      const messages = byTopic.get(topic) ?? [];
      const headers = this.headers.get(e);
      const value = JSON.stringify(e);
      messages.push(
        headers ? { key: e.partitionkey, value, headers } : { key: e.partitionkey, value },
      );
      byTopic.set(topic, messages);
    }
    try {
      await this.producer.send({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (e) {
      this.metrics?.kafkaError('produce');
      throw e;
    }
  }

  private async ensureTopics(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = [TOKEN_LIFECYCLE_TOPIC, SIGNING_KEYS_TOPIC, REGISTRY_TOPIC].filter(
      (t) => !existing.has(t),
    );
    if (missing.length === 0) return;
    // Not kafkajs' waitForLeaders: on several brokers, the one it asks may learn of the new
    // topic after the controller made it, and its UNKNOWN_TOPIC_OR_PARTITION ends that wait.
    await this.admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((topic) => ({
        topic,
        // The registry: rare changes whose order across keys matters (a client names its
        // resources), and compacted, so the latest event of each key rebuilds it for ever.
        numPartitions: topic === REGISTRY_TOPIC ? 1 : this.config.topicPartitions,
        replicationFactor: this.config.replicationFactor,
        configEntries: [
          {
            name: 'min.insync.replicas',
            value: String(this.minInsync()),
          },
          ...(topic === REGISTRY_TOPIC ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
        ],
      })),
    });
    await retrying(async () => {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: missing });
      if (topics.some((t) => t.partitions.some((p) => p.leader < 0))) {
        throw Object.assign(new Error('partition leaders not elected yet'), { retriable: true });
      }
    });
  }
}

/** Retries what fails with a retriable Kafka error (a topic another service just created). */
async function retrying<T>(op: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await op();
    } catch (e) {
      if (i >= attempts || !(e as { retriable?: boolean }).retriable) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
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
