import { Logger } from '@nestjs/common';
import type { Admin, Kafka, ProducerBatch } from 'kafkajs';
import { KafkaConfig } from '@app/config';
import { EventMetrics, Registry } from '@app/metrics';
import { EventBusUnavailable } from '../event-bus.port';
import { EventFactory, LifecycleEvent } from '../event-envelope';
import { REGISTRY_TOPIC, SIGNING_KEYS_TOPIC, TOKEN_LIFECYCLE_TOPIC } from '../topics';
import { KafkaEventBus } from './kafka-event.bus';
import { SessionProducer } from './producer-session';

/** What every fake producer did, in order, across producers: `p1.connect`, `p2.send:a,b`, ... */
type Journal = string[];

/**
 * A producer that records its calls. `sendBatch` waits for the spec to settle it (`ack`/`fail`),
 * so a spec controls what is in flight; `connect` fails when told to.
 */
class FakeProducer implements SessionProducer {
  readonly sends: { ids: string[]; ack: () => void; fail: (e: Error) => void }[] = [];

  constructor(
    readonly name: string,
    private readonly journal: Journal,
    private readonly connectError?: Error,
  ) {}

  async connect(): Promise<void> {
    this.journal.push(`${this.name}.connect`);
    if (this.connectError) throw this.connectError;
  }

  async disconnect(): Promise<void> {
    this.journal.push(`${this.name}.disconnect`);
  }

  sendBatch(batch: ProducerBatch): Promise<never[]> {
    const ids = (batch.topicMessages ?? []).flatMap((t) =>
      t.messages.map((m) => (JSON.parse(String(m.value)) as LifecycleEvent).id),
    );
    this.journal.push(`${this.name}.send:${ids.join(',')}`);
    return new Promise((resolve, reject) =>
      this.sends.push({ ids, ack: () => resolve([]), fail: reject }),
    );
  }
}

describe('KafkaEventBus producer sessions', () => {
  const events = new EventFactory('urn:token-lifecycle:unit');
  const config: KafkaConfig = {
    brokers: ['127.0.0.1:9092'],
    clientId: 'unit',
    lingerMs: 0,
    maxBatch: 500,
    publishTimeoutMs: 5000,
    topicPartitions: 1,
    replicationFactor: 1,
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    listTopics: async () => [TOKEN_LIFECYCLE_TOPIC, SIGNING_KEYS_TOPIC, REGISTRY_TOPIC],
  } as unknown as Admin;
  let journal: Journal;
  let producers: FakeProducer[];
  /** Which of the next producers fail to connect (by their number, 1-based). */
  let failingConnects: Set<number>;
  let sut: KafkaEventBus;

  const event = (id: string) =>
    ({
      ...events.create('token.revoked', id, 'client-a', {
        jti: id,
        client_id: 'client-a',
        exp: 2_000_000_000,
        revoked_by: 'client-a',
      }),
      id,
    }) as LifecycleEvent;

  /** Lets the batcher's immediate (lingerMs 0) and the sends' promise chains run. */
  const settle = () => jest.advanceTimersByTimeAsync(0);
  const producer = (n: number) => producers[n - 1]!;

  beforeEach(async () => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    journal = [];
    producers = [];
    failingConnects = new Set();
    const newProducer = () => {
      const n = producers.length + 1;
      const p = new FakeProducer(
        `p${n}`,
        journal,
        failingConnects.has(n) ? new Error('connect ECONNREFUSED') : undefined,
      );
      producers.push(p);
      return p;
    };
    sut = await KafkaEventBus.connect(config, { kafka: {} as Kafka, admin, newProducer });
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('sends every batch through the same producer while nothing fails', async () => {
    const first = sut.publish(event('a'));
    await settle();
    producer(1).sends[0]!.ack();
    await first;
    const second = sut.publish(event('b'));
    await settle();
    producer(1).sends[1]!.ack();
    await second;

    expect(journal).toEqual(['p1.connect', 'p1.send:a', 'p1.send:b']);
  });

  it('after a failed send, the next batch goes through a new producer, connected first; the old one is disconnected', async () => {
    const failed = sut.publish(event('a'));
    await settle();
    // While `a` is in flight, more callers wait in the batcher.
    const waiting = [sut.publish(event('b')), sut.publish(event('c'))];
    await settle();
    producer(1).sends[0]!.fail(new Error('Connection closed'));
    await expect(failed).rejects.toBeInstanceOf(EventBusUnavailable);
    await settle();

    expect(journal).toEqual([
      'p1.connect',
      'p1.send:a',
      'p1.disconnect',
      'p2.connect',
      'p2.send:b,c', // nothing lost, nothing reordered
    ]);
    producer(2).sends[0]!.ack();
    await Promise.all(waiting);

    const later = sut.publish(event('d'));
    await settle();
    producer(2).sends[1]!.ack();
    await later;
    expect(journal.slice(5)).toEqual(['p2.send:d']); // the new session stays until it fails
    expect(producers).toHaveLength(2);
  });

  it('a caller that timed out does not make the batch fail: nothing else is sent until kafkajs settles it', async () => {
    const slow = sut.publish(event('a'));
    await settle();
    const assertion = expect(slow).rejects.toBeInstanceOf(EventBusUnavailable);
    await jest.advanceTimersByTimeAsync(config.publishTimeoutMs);
    await assertion; // the caller answered 503; kafkajs is still retrying `a`
    const next = sut.publish(event('b'));
    await jest.advanceTimersByTimeAsync(1000);
    expect(journal).toEqual(['p1.connect', 'p1.send:a']);

    producer(1).sends[0]!.ack(); // late success: same sequence numbers, the session is sound
    await settle();
    producer(1).sends[1]!.ack();
    await next;
    expect(journal).toEqual(['p1.connect', 'p1.send:a', 'p1.send:b']);
  });

  it('a late failure after the caller timed out still replaces the producer before the next batch', async () => {
    const slow = sut.publish(event('a'));
    await settle();
    const assertion = expect(slow).rejects.toBeInstanceOf(EventBusUnavailable);
    await jest.advanceTimersByTimeAsync(config.publishTimeoutMs);
    await assertion;
    const next = sut.publish(event('b'));
    await settle();
    producer(1).sends[0]!.fail(new Error('Number of retries exceeded'));
    await settle();
    producer(2).sends[0]!.ack();
    await next;

    expect(journal).toEqual([
      'p1.connect',
      'p1.send:a',
      'p1.disconnect',
      'p2.connect',
      'p2.send:b',
    ]);
  });

  it('when the new producer cannot connect, that batch fails at once and the next one tries again', async () => {
    failingConnects.add(2);
    const failed = sut.publish(event('a'));
    await settle();
    producer(1).sends[0]!.fail(new Error('Connection closed'));
    await expect(failed).rejects.toBeInstanceOf(EventBusUnavailable);

    // `b` is refused at once, long before the publish timeout: nothing was sent.
    const refused = expect(sut.publish(event('b'))).rejects.toBeInstanceOf(EventBusUnavailable);
    await settle();
    await refused;
    const retried = sut.publish(event('c'));
    await settle();
    producer(3).sends[0]!.ack();
    await retried;

    expect(journal).toEqual([
      'p1.connect',
      'p1.send:a',
      'p1.disconnect',
      'p2.connect',
      'p2.disconnect', // the half-connected one is not leaked
      'p3.connect',
      'p3.send:c',
    ]);
  });

  it('close() sends what is waiting, through a new producer if the last send failed, then disconnects it', async () => {
    const failed = sut.publish(event('a'));
    await settle();
    const waiting = sut.publish(event('b'));
    producer(1).sends[0]!.fail(new Error('Connection closed'));
    await expect(failed).rejects.toBeInstanceOf(EventBusUnavailable);
    const closed = sut.close();
    await settle();
    producer(2).sends[0]!.ack();
    await Promise.all([waiting, closed]);

    expect(journal).toEqual([
      'p1.connect',
      'p1.send:a',
      'p1.disconnect',
      'p2.connect',
      'p2.send:b',
      'p2.disconnect',
    ]);
  });
});

describe('KafkaEventBus subscriptions', () => {
  const CRASH = 'consumer.crash';

  /** A consumer that records its runs and lets the spec crash it as kafkajs would. */
  class FakeConsumer {
    readonly events = { CRASH };
    runs = 0;
    private crashListeners: ((e: { payload: { error: Error; restart: boolean } }) => void)[] = [];
    connect = jest.fn(async () => undefined);
    subscribe = jest.fn(async () => {
      const failure = subscribeFailures.shift();
      if (failure) throw failure;
    });
    disconnect = jest.fn(async () => undefined);
    run = jest.fn(async () => void this.runs++);
    on(event: string, listener: (e: { payload: { error: Error; restart: boolean } }) => void) {
      if (event === CRASH) this.crashListeners.push(listener);
    }
    crash(restart: boolean) {
      const error = Object.assign(new Error('Failed to find group coordinator'), {
        name: 'KafkaJSGroupCoordinatorNotFound',
      });
      for (const l of this.crashListeners) l({ payload: { error, restart } });
    }
  }

  /** What the consumers' next `subscribe` calls reject with, in order. */
  let subscribeFailures: Error[] = [];
  let consumers: FakeConsumer[];
  let sut: KafkaEventBus;

  beforeEach(async () => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    consumers = [];
    subscribeFailures = [];
    const kafka = {
      consumer: () => {
        const c = new FakeConsumer();
        consumers.push(c);
        return c;
      },
    } as unknown as Kafka;
    const admin = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      listTopics: async () => [TOKEN_LIFECYCLE_TOPIC, SIGNING_KEYS_TOPIC, REGISTRY_TOPIC],
    } as unknown as Admin;
    const newProducer = () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: async () => [],
    });
    sut = await KafkaEventBus.connect(
      {
        brokers: ['127.0.0.1:9092'],
        clientId: 'spec',
        lingerMs: 0,
        maxBatch: 10,
        publishTimeoutMs: 1000,
        topicPartitions: 1,
        replicationFactor: 1,
      },
      { kafka, admin, newProducer },
    );
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('subscribes again when kafkajs gives up on a crashed consumer', async () => {
    await sut.subscribe({ group: 'projector' }, async () => undefined);
    expect(consumers).toHaveLength(1);
    consumers[0]!.crash(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(consumers).toHaveLength(2);
    expect(consumers[1]!.runs).toBe(1);
  });

  it('subscribes again while a broker does not know the topic yet, then runs', async () => {
    const unknownTopic = () =>
      Object.assign(new Error('This server does not host this topic-partition'), {
        retriable: true,
        type: 'UNKNOWN_TOPIC_OR_PARTITION',
      });
    subscribeFailures.push(unknownTopic(), unknownTopic());
    const subscribed = sut.subscribe({ group: 'projector' }, async () => undefined);
    await jest.advanceTimersByTimeAsync(1000);
    await subscribed;
    expect(consumers[0]!.subscribe).toHaveBeenCalledTimes(3);
    expect(consumers[0]!.runs).toBe(1);
  });

  it('leaves a crash that kafkajs restarts itself to kafkajs', async () => {
    await sut.subscribe({ group: 'projector' }, async () => undefined);
    consumers[0]!.crash(true);
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(1);
  });

  it('does not subscribe again once the bus is closed', async () => {
    await sut.subscribe({ group: 'projector' }, async () => undefined);
    await sut.close();
    consumers[0]!.crash(false);
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(1);
  });
});

describe('KafkaEventBus metrics', () => {
  const CRASH = 'consumer.crash';
  const END_BATCH_PROCESS = 'consumer.end_batch_process';
  const GROUP_JOIN = 'consumer.group_join';
  type Listener = (e: { payload: Record<string, unknown> }) => void;

  /** A consumer whose messages, batches and crashes the spec plays as kafkajs would. */
  class PlayedConsumer {
    readonly events = { CRASH, END_BATCH_PROCESS, GROUP_JOIN };
    private readonly listeners = new Map<string, Listener[]>();
    eachMessage:
      | ((p: { partition: number; message: { value: Buffer; offset: string } }) => Promise<void>)
      | undefined;
    connect = async () => undefined;
    subscribe = async () => undefined;
    disconnect = async () => undefined;
    run = async (options: { eachMessage: PlayedConsumer['eachMessage'] }) => {
      this.eachMessage = options.eachMessage;
    };
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    }
    emit(event: string, payload: Record<string, unknown>) {
      for (const l of this.listeners.get(event) ?? []) l({ payload });
    }
  }

  const events = new EventFactory('urn:token-lifecycle:unit');
  const revoked = events.create('token.revoked', 'jti-1', 'client-a', {
    jti: 'jti-1',
    client_id: 'client-a',
    exp: 2_000_000_000,
    revoked_by: 'client-a',
  });
  let registry: Registry;
  let consumer: PlayedConsumer;
  let send: jest.Mock<Promise<never[]>, []>;
  let sut: KafkaEventBus;

  const value = async (name: string, labels: Record<string, string> = {}) => {
    const base = name.replace(/_count$/, '');
    return (await registry.getSingleMetric(base)!.get()).values
      .filter(
        (v) =>
          ((v as { metricName?: string }).metricName ?? base) === name &&
          Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x),
      )
      .reduce((n, v) => n + v.value, 0);
  };

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    registry = new Registry();
    consumer = new PlayedConsumer();
    send = jest.fn(async () => []);
    const admin = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      listTopics: async () => [TOKEN_LIFECYCLE_TOPIC, SIGNING_KEYS_TOPIC, REGISTRY_TOPIC],
    } as unknown as Admin;
    const metrics = new EventMetrics(registry);
    sut = await KafkaEventBus.connect(
      {
        brokers: ['127.0.0.1:9092'],
        clientId: 'spec',
        lingerMs: 0,
        maxBatch: 10,
        publishTimeoutMs: 200,
        topicPartitions: 1,
        replicationFactor: 1,
      },
      {
        kafka: { consumer: () => consumer } as unknown as Kafka,
        admin,
        newProducer: () => ({
          connect: async () => undefined,
          disconnect: async () => undefined,
          sendBatch: send,
        }),
      },
      { metrics },
    );
  });

  afterEach(async () => {
    await sut.close();
    jest.restoreAllMocks();
  });

  it('times an acknowledged publish by event type', async () => {
    await sut.publish(revoked);
    expect(
      await value('token_lifecycle_event_publish_duration_seconds_count', {
        type: 'token.revoked',
      }),
    ).toBe(1);
    expect(await value('token_lifecycle_event_publish_failures_total')).toBe(0);
  });

  it('counts a failed produce request as a Kafka error and its event as a failed publish', async () => {
    send.mockRejectedValueOnce(new Error('Connection closed'));
    await expect(sut.publish(revoked)).rejects.toBeInstanceOf(EventBusUnavailable);
    expect(await value('token_lifecycle_kafka_errors_total', { operation: 'produce' })).toBe(1);
    expect(
      await value('token_lifecycle_event_publish_failures_total', { type: 'token.revoked' }),
    ).toBe(1);
    expect(await value('token_lifecycle_event_publish_duration_seconds_count')).toBe(0);
  });

  it('counts a publish that timed out as failed', async () => {
    send.mockImplementationOnce(() => new Promise<never[]>((r) => setTimeout(() => r([]), 400)));
    await expect(sut.publish(revoked)).rejects.toBeInstanceOf(EventBusUnavailable);
    expect(await value('token_lifecycle_event_publish_failures_total')).toBe(1);
    expect(await value('token_lifecycle_kafka_errors_total')).toBe(0);
  });

  it('counts consumer crashes and unreadable messages, tells the partitions assigned and the lag after each batch', async () => {
    const lag: [number, number][] = [];
    const assigned: (readonly number[])[] = [];
    await sut.subscribe(
      {
        group: 'projector',
        onLag: (partition, behind) => lag.push([partition, behind]),
        onAssigned: (partitions) => assigned.push(partitions),
      },
      async () => undefined,
    );
    consumer.emit(GROUP_JOIN, {
      memberAssignment: { [TOKEN_LIFECYCLE_TOPIC]: [0, 2], 'other-topic': [1] },
    });
    consumer.emit(CRASH, { error: new Error('rebalancing'), restart: true });
    await consumer.eachMessage!({
      partition: 2,
      message: { value: Buffer.from('not an event'), offset: '7' },
    });
    consumer.emit(END_BATCH_PROCESS, { partition: 2, offsetLag: '41', offsetLagLow: '40' });
    expect(await value('token_lifecycle_kafka_errors_total', { operation: 'consume' })).toBe(1);
    expect(await value('token_lifecycle_kafka_errors_total', { operation: 'decode' })).toBe(1);
    expect(lag).toEqual([[2, 41]]);
    expect(assigned).toEqual([[0, 2]]);
  });
});
