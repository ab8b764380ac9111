import { Logger } from '@nestjs/common';
import type { Admin, Producer } from 'kafkajs';
import { KafkaConfig, loadConfig } from '@app/config';
import {
  EventFactory,
  KafkaEventBus,
  LifecycleEvent,
  TOKEN_LIFECYCLE_TOPIC,
  TokenIssuedV1,
} from '@app/events';
import { eventually } from '../support/int-eventually';
import {
  brokers,
  connectAdmin,
  kafkaClient,
  waitForGroupCaughtUp,
  uniqueName,
} from '../support/int-kafka';

jest.setTimeout(60_000);

/**
 * The Kafka adapter of the EventBus port against a real broker: durable publishes, micro-batched
 * into few requests, delivered in order per partition key, with poison messages skipped.
 */
describe('KafkaEventBus on a real broker', () => {
  const run = uniqueName('int-bus');
  const factory = new EventFactory(`urn:token-lifecycle:int-bus:${run}`);
  let config: KafkaConfig;
  let bus: KafkaEventBus;
  let admin: Admin;
  let raw: Producer;
  /** Everything the bus's subscription delivered, in delivery order. */
  const delivered: LifecycleEvent[] = [];
  let seq = 0;

  /**
   * A JWT token.issued event: JWTs have no hot state, so the projectors of other suites that
   * replay this log write nothing for these.
   */
  const issued = (clientId: string, data: Partial<TokenIssuedV1> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const jti = `${run}-${clientId}-${seq++}`;
    return factory.create('token.issued', jti, clientId, {
      jti,
      client_id: clientId,
      sub: clientId,
      aud: 'https://orders.test.example',
      scope: 'orders:read',
      grant_type: 'client_credentials',
      format: 'jwt',
      iat: now,
      exp: now + 60,
      ...data,
    });
  };

  const deliveredIds = () => new Set(delivered.map((e) => e.id));

  const waitDelivered = (events: readonly LifecycleEvent[]) =>
    eventually(
      `${events.length} event(s) to be delivered`,
      () => {
        const ids = deliveredIds();
        return events.filter((e) => !ids.has(e.id)).length;
      },
      (missing) => missing === 0,
    );

  /** The kafkajs producer of the bus's current producer session. */
  const producerOf = (b: KafkaEventBus) =>
    (b as unknown as { producer: { producer: Producer } }).producer.producer;

  beforeAll(async () => {
    // Skipped poison messages are logged as warnings, on purpose; keep the run quiet.
    Logger.overrideLogger(['error', 'fatal']);
    config = loadConfig({
      KAFKA_BROKERS: brokers().join(','),
      KAFKA_CLIENT_ID: run,
      LOG_LEVEL: 'error',
    }).kafka!;
    bus = await KafkaEventBus.connect(config);
    admin = await connectAdmin('int-bus-admin');
    // A new group reading from the start: the log may hold other suites' events (and poison).
    await bus.subscribe({ group: run, fromBeginning: true }, (e) => {
      delivered.push(e);
    });
    raw = kafkaClient(uniqueName('int-bus-raw')).producer();
    await raw.connect();
  });

  afterAll(async () => {
    await Promise.allSettled([bus?.close(), admin?.disconnect(), raw?.disconnect()]);
  });

  it('is ready while connected', async () => {
    await expect(bus.ready()).resolves.toBe(true);
  });

  it('publish → subscribe: the same envelope comes back, keyed by its partition key', async () => {
    const event = issued(`${run}-solo`);
    await bus.publish(event);
    await waitDelivered([event]);
    expect(delivered.find((e) => e.id === event.id)).toEqual(event);
  });

  it('200 concurrent publishes: all acknowledged, in few requests, delivered in order per key', async () => {
    const keys = Array.from({ length: 5 }, (_, k) => `${run}-k${k}`);
    const events = Array.from({ length: 200 }, (_, i) => issued(keys[i % keys.length]!));
    const sendBatch = jest.spyOn(producerOf(bus), 'sendBatch');
    try {
      await Promise.all(events.map((e) => bus.publish(e)));
      const requests = sendBatch.mock.calls.map(([batch]) =>
        batch.topicMessages!.reduce((n, t) => n + t.messages.length, 0),
      );
      expect(requests.reduce((a, b) => a + b, 0)).toBe(200);
      // The 200 calls are made in one synchronous loop, before the linger timer can fire: they
      // leave in as few requests as the batch size allows (one with the default 500).
      expect(requests).toHaveLength(Math.ceil(200 / config.maxBatch));
    } finally {
      sendBatch.mockRestore();
    }

    await waitDelivered(events);
    for (const key of keys) {
      const published = events.filter((e) => e.partitionkey === key).map((e) => e.id);
      const received = delivered.filter((e) => e.partitionkey === key).map((e) => e.id);
      expect(received).toEqual(published);
    }
  });

  it('skips and counts malformed messages, and keeps delivering the valid ones after them', async () => {
    const key = `${run}-poison`;
    // Whatever poison the log held before this test has been read (and committed) by now.
    await waitForGroupCaughtUp(admin, run);
    const before = bus.malformedCount();
    const template = issued(key);
    const unknownType = {
      ...template,
      id: `${run}-unknown-type`,
      type: 'token.refreshed',
      dataschema: 'urn:token-lifecycle:schema:token.refreshed:v1',
    };
    // A version this reader does not know (v2 of token.issued exists and needs a `kind`).
    const schemaV9 = {
      ...template,
      id: `${run}-schema-v9`,
      dataschema: 'urn:token-lifecycle:schema:token.issued:v9',
    };
    const validRaw = issued(key);
    // One key, so one partition: the valid record sits behind the three poison ones.
    await raw.send({
      topic: TOKEN_LIFECYCLE_TOPIC,
      acks: -1,
      messages: [
        { key, value: '{"specversion":"1.0", "id": "not json' },
        { key, value: JSON.stringify(unknownType) },
        { key, value: JSON.stringify(schemaV9) },
        { key, value: JSON.stringify(validRaw) },
      ],
    });
    const validAfter = issued(key);
    await bus.publish(validAfter);

    await waitDelivered([validRaw, validAfter]);
    expect(bus.malformedCount() - before).toBe(3);
    const ofKey = delivered.filter((e) => e.partitionkey === key).map((e) => e.id);
    expect(ofKey).toEqual([validRaw.id, validAfter.id]);
  });

  it('sign-in events: keyed by session, grant and client, delivered in order as published', async () => {
    const sid = `${run}-sid`;
    const grantId = `${run}-grant`;
    const clientId = `${run}-web`;
    const now = Math.floor(Date.now() / 1000);
    const idToken = factory.create('token.issued', `${run}-idt`, grantId, {
      jti: `${run}-idt`,
      client_id: clientId,
      sub: 'user-1',
      aud: clientId,
      scope: 'openid',
      grant_type: 'authorization_code',
      grant_id: grantId,
      format: 'jwt',
      kind: 'id_token',
      iat: now,
      exp: now + 60,
    });
    const events = [
      factory.create('session.started', sid, sid, {
        sid,
        sub: 'user-1',
        auth_time: now,
        exp: now + 3600,
        amr: ['pwd'],
      }),
      factory.create('grant.created', grantId, grantId, {
        grant_id: grantId,
        sub: 'user-1',
        client_id: clientId,
        scopes: ['openid'],
        resources: [],
        auth_time: now,
        sid,
      }),
      idToken,
      factory.create('authorization.denied', clientId, clientId, {
        client_id: clientId,
        reason: 'consent_denied',
        error: 'access_denied',
        sub: 'user-1',
      }),
      factory.create('session.ended', sid, sid, { sid, sub: 'user-1', reason: 'logout' }),
    ];
    const before = bus.malformedCount();
    // One at a time: each is acknowledged before the next, as the flow will publish them.
    for (const e of events) await bus.publish(e);

    await waitDelivered(events);
    for (const e of events) expect(delivered.find((d) => d.id === e.id)).toEqual(e);
    expect(idToken.dataschema).toBe('urn:token-lifecycle:schema:token.issued:v2');
    const ofSession = delivered.filter((e) => e.partitionkey === sid).map((e) => e.type);
    expect(ofSession).toEqual(['session.started', 'session.ended']);
    const ofGrant = delivered.filter((e) => e.partitionkey === grantId).map((e) => e.type);
    expect(ofGrant).toEqual(['grant.created', 'token.issued']);
    expect(bus.malformedCount()).toBe(before);
  });

  it('close() sends what is still lingering before it disconnects', async () => {
    const lazy = await KafkaEventBus.connect({
      ...config,
      clientId: `${run}-lazy`,
      lingerMs: 60_000,
      publishTimeoutMs: 60_000,
    });
    const event = issued(`${run}-lazy`);
    let acknowledged = false;
    const published = lazy.publish(event).then(() => {
      acknowledged = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(acknowledged).toBe(false); // still lingering: a minute to go

    const started = Date.now();
    await lazy.close();
    await published;
    expect(acknowledged).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    await waitDelivered([event]);
  });
});
