import { Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadTracingConfig } from '@app/config';
import { startTracing, stopTracing } from '@app/tracing';
import { EventFactory } from '../event-envelope';
import { TOKEN_LIFECYCLE_TOPIC } from '../topics';
import { LifecycleKafkaServer } from './lifecycle-kafka.server';

const CRASH = 'consumer.crash';
type CrashListener = (e: { payload: { error: Error; restart: boolean } }) => void;

/** A kafkajs consumer that records what it was asked and lets the spec crash it. */
class FakeConsumer {
  readonly events = { CRASH, CONNECT: 'c', DISCONNECT: 'd', REBALANCING: 'r', STOP: 's' };
  runs = 0;
  private crashListeners: CrashListener[] = [];
  /** Set by the spec: this consumer's connect fails (a broker that has just started). */
  static failNextConnect = false;
  /** Set by the spec: connecting waits for it. */
  static connecting: Promise<void> | undefined;
  /** What happened to this consumer, in order. */
  readonly journal: string[] = [];
  connect = jest.fn(async () => {
    await FakeConsumer.connecting;
    this.journal.push('connected');
    if (!FakeConsumer.failNextConnect) return;
    FakeConsumer.failNextConnect = false;
    throw Object.assign(new Error('coordinator not available'), { name: 'KafkaJSError' });
  });
  subscribe = jest.fn(async (_: unknown) => undefined);
  disconnect = jest.fn(async () => void this.journal.push('disconnected'));
  run = jest.fn(async (_: unknown) => void this.runs++);
  constructor(readonly config: Record<string, unknown>) {}
  on(event: string, listener: CrashListener) {
    if (event === CRASH) this.crashListeners.push(listener);
  }
  crash(restart: boolean) {
    const error = Object.assign(new Error('Failed to find group coordinator'), {
      name: 'KafkaJSGroupCoordinatorNotFound',
    });
    for (const l of this.crashListeners) l({ payload: { error, restart } });
  }
}

const factory = new EventFactory('urn:token-lifecycle:unit:transport');
const event = factory.create('token.revoked', 'jti-1', 'client-a', {
  jti: 'jti-1',
  client_id: 'client-a',
  exp: 2_000_000_000,
  revoked_by: 'client-a',
});
/** What kafkajs hands eachMessage. */
const payload = (value: string, offset = '7') =>
  ({
    topic: TOKEN_LIFECYCLE_TOPIC,
    partition: 0,
    message: {
      key: Buffer.from('g'),
      value: Buffer.from(value),
      offset,
      headers: {},
      timestamp: '0',
      attributes: 0,
    },
    heartbeat: async () => undefined,
    pause: () => () => undefined,
  }) as unknown as Parameters<LifecycleKafkaServer['handleMessage']>[0];

describe('LifecycleKafkaServer', () => {
  let consumers: FakeConsumer[];
  let producers: number;
  let handled: unknown[];
  /** What the handler fails with, when set. */
  let failure: Error | undefined;
  let errors: string[];
  let sut: LifecycleKafkaServer;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    errors = [];
    jest
      .spyOn(Logger.prototype, 'error')
      .mockImplementation((m: unknown) => void errors.push(String(m)));
    consumers = [];
    producers = 0;
    handled = [];
    failure = undefined;
    const kafka = {
      consumer: (config: Record<string, unknown>) => {
        const c = new FakeConsumer(config);
        consumers.push(c);
        return c;
      },
      producer: () => void producers++,
    };
    sut = new (class extends LifecycleKafkaServer {
      override createClient<T>(): T {
        return kafka as T;
      }
    })({ client: { brokers: ['127.0.0.1:9092'] }, group: 'projector', fromBeginning: true });
    const handler = async (e: unknown) => {
      if (failure) throw failure;
      handled.push(e);
    };
    sut.addHandler(TOKEN_LIFECYCLE_TOPIC, handler, true);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const listen = async () => {
    const started = jest.fn();
    await sut.listen(started);
    return started;
  };

  it('joins exactly its group, fetches in bulk like the bus, and opens no producer', async () => {
    const started = await listen();
    expect(started).toHaveBeenCalledWith();
    expect(consumers).toHaveLength(1);
    expect(consumers[0]!.config).toMatchObject({
      groupId: 'projector',
      minBytes: 64 * 1024,
      maxWaitTimeInMs: 100,
      sessionTimeout: 6000,
    });
    expect(consumers[0]!.subscribe).toHaveBeenCalledWith({
      fromBeginning: true,
      topics: [TOKEN_LIFECYCLE_TOPIC],
    });
    expect(producers).toBe(0);
  });

  it('hands each event, parsed, to the @EventPattern handler of its topic', async () => {
    await sut.handleMessage(payload(JSON.stringify(event)));
    expect(handled).toEqual([event]);
  });

  it('skips a malformed record without calling a handler, failing or logging an error', async () => {
    await expect(sut.handleMessage(payload('{"not": "an event"}'))).resolves.toBeUndefined();
    await expect(sut.handleMessage(payload('garbage'))).resolves.toBeUndefined();
    expect(handled).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("lets a handler's failure reach kafkajs, which delivers the event again", async () => {
    failure = new Error('redis down');
    await expect(sut.handleMessage(payload(JSON.stringify(event)))).rejects.toThrow('redis down');
  });

  it('subscribes again when kafkajs gives up on a crashed consumer', async () => {
    await listen();
    consumers[0]!.crash(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(consumers).toHaveLength(2);
    expect(consumers[0]!.disconnect).toHaveBeenCalled();
    expect(consumers[1]!.runs).toBe(1);
  });

  it('leaves a crash that kafkajs restarts itself to kafkajs', async () => {
    await listen();
    consumers[0]!.crash(true);
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(1);
  });

  it('retries a subscription that fails, a second later', async () => {
    FakeConsumer.failNextConnect = true;
    const started = await listen();
    expect(started).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1000);
    expect(consumers).toHaveLength(2);
    expect(consumers[1]!.runs).toBe(1);
    expect(started).toHaveBeenCalledTimes(1);
  });

  it('disconnects a consumer that finishes connecting after the close', async () => {
    let connect!: () => void;
    FakeConsumer.connecting = new Promise<void>((r) => (connect = r));
    try {
      const pending = sut.listen(jest.fn());
      await sut.close();
      connect();
      await pending;
    } finally {
      FakeConsumer.connecting = undefined;
    }
    expect(consumers[0]!.journal.at(-1)).toBe('disconnected');
    expect(consumers[0]!.runs).toBe(0);
  });

  it('does not subscribe again once closed', async () => {
    await listen();
    await sut.close();
    consumers[0]?.crash(false);
    await jest.advanceTimersByTimeAsync(5000);
    expect(consumers).toHaveLength(1);
  });
});

describe('LifecycleKafkaServer with tracing on', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => startTracing(loadTracingConfig({}), { service: 'spec', exporter }));
  afterAll(() => stopTracing());

  it("runs the handler in a process span continuing the record's traceparent header", async () => {
    const sut = new LifecycleKafkaServer({ client: { brokers: ['x:1'] }, group: 'auditor' });
    const seen: (string | undefined)[] = [];
    sut.addHandler(
      TOKEN_LIFECYCLE_TOPIC,
      async () => void seen.push(trace.getActiveSpan()?.spanContext().traceId),
      true,
    );
    const record = payload(JSON.stringify(event));
    (record.message as { headers: object }).headers = {
      traceparent: Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'),
    };
    await sut.handleMessage(record);
    expect(seen).toEqual(['0af7651916cd43dd8448eb211c80319c']);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe(`process ${TOKEN_LIFECYCLE_TOPIC}`);
    expect(span?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(span?.attributes['messaging.consumer.group.name']).toBe('auditor');
  });
});
