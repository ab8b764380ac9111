// Events per second the projector applies, fed by the event bus's own kafkajs loop (what it
// runs on) and by @nestjs/microservices' Kafka transport (LifecycleKafkaServer and an
// @EventPattern handler), in the same run, on the same log, into the same Redis:
// docs/architecture.md "What the transport costs the projector" quotes it.
//
//   npm run bench:projector                       (EVENTS=30000 ROUNDS=3 by default)
//
// Starts its own Kafka and Redis unless KAFKA_BROKERS / REDIS_URL are set (scripts/infra.js);
// the lifecycle topic must be empty at the start, so that each round applies exactly the events
// published here. Each round reads the whole log from its start with a new consumer group into a
// flushed Redis database; the clock runs from the first event applied to the last (joining the
// group is not timed). The two feeds alternate round by round.
import { Controller, INestApplication, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AppConfig } from '@app/config';
import {
  AnyLifecycleEvent,
  EVENT_BUS,
  EventFactory,
  KafkaEventBus,
  LifecycleEvent,
  LifecycleKafkaServer,
  TOKEN_LIFECYCLE_TOPIC,
} from '@app/events';
import { RedisKeys } from '@app/store';
import { OpaqueTokenFormat } from '@app/tokens';
import { EventProjector } from '../apps/revocation/src/projector/event.projector';
import { SplitServices } from '../test/support/in-process-services';
import { openTestRedis } from '../test/support/int-redis';
import { connectAdmin } from '../test/support/int-kafka';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureKafka, ensureRedis } = require('../scripts/infra');

const EVENTS = Number(process.env.EVENTS ?? 30_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const REDIS_DB = 9;

type Feed = 'kafkajs' | 'transport';

/** What the log holds: opaque access tokens issued, one in ten revoked (SET; SET + XADD). */
function lifecycleEvents(count: number): LifecycleEvent[] {
  const factory = new EventFactory(`urn:token-lifecycle:bench-projector:${process.pid}`);
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + 3600;
  return Array.from({ length: count }, (_, i) => {
    const clientId = `bench-client-${i % 16}`;
    const jti = `bench-${i}`;
    if (i % 10 === 9)
      return factory.create('token.revoked', jti, clientId, {
        jti: `bench-${i - 1}`,
        client_id: clientId,
        exp,
        revoked_by: clientId,
      });
    return factory.create('token.issued', jti, clientId, {
      jti,
      client_id: clientId,
      sub: clientId,
      aud: 'https://ledger.example.com',
      scope: 'ledger:read',
      grant_type: 'client_credentials',
      format: 'opaque',
      token_digest: OpaqueTokenFormat.mint('at').digest,
      iat,
      exp,
    });
  });
}

const APPLY = Symbol('apply');

/** What a projector's consumer on the transport would be: one handler calling `apply`. */
@Controller()
class TransportFeed {
  constructor(@Inject(APPLY) private readonly apply: (e: AnyLifecycleEvent) => Promise<void>) {}

  @EventPattern(TOKEN_LIFECYCLE_TOPIC)
  onEvent(@Payload() event: AnyLifecycleEvent): Promise<void> {
    return this.apply(event);
  }
}

/** Counts what the projector applies; resolves with the events/s from the first to the last. */
function timedApplies(projector: EventProjector, expected: number) {
  const apply = EventProjector.prototype.apply;
  let count = 0;
  let first = 0;
  let resolve!: (rate: number) => void;
  const done = new Promise<number>((r) => (resolve = r));
  projector.apply = async (e: AnyLifecycleEvent) => {
    await apply.call(projector, e);
    if (++count === 1) first = performance.now();
    if (count === expected) resolve(((expected - 1) * 1000) / (performance.now() - first));
  };
  return { done, restore: () => void (projector.apply = apply) };
}

async function round(feed: Feed, app: INestApplication, config: AppConfig): Promise<number> {
  const projector = app.get(EventProjector);
  const group = `bench-projector-${feed}-${randomUUID().slice(0, 8)}`;
  const timed = timedApplies(projector, EVENTS);
  const subscription = { group, fromBeginning: true };
  if (feed === 'kafkajs') {
    // The loop the projector used before: KafkaEventBus.subscribe (eachMessage), own bus.
    const bus = await KafkaEventBus.connect(config.kafka!);
    try {
      await bus.subscribe(subscription, (e) => projector.apply(e));
      return await timed.done;
    } finally {
      timed.restore();
      await bus.close();
    }
  }
  // The same projector behind Nest's Kafka transport: a microservice of its own whose handler
  // calls it (Nest's pipeline per event is the same as in a microservice connected to the app).
  @Module({
    controllers: [TransportFeed],
    providers: [{ provide: APPLY, useValue: (e: AnyLifecycleEvent) => projector.apply(e) }],
  })
  class TransportFeedModule {}
  const microservice = await NestFactory.createMicroservice(TransportFeedModule, {
    strategy: LifecycleKafkaServer.of(config.kafka!, subscription),
    logger: ['error', 'warn'],
  });
  try {
    await microservice.listen();
    return await timed.done;
  } finally {
    timed.restore();
    await microservice.close();
  }
}

async function main(): Promise<void> {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const [kafka, redisInfra] = await Promise.all([ensureKafka({ log }), ensureRedis({ log })]);
  process.env.KAFKA_BROKERS = kafka.brokers;
  process.env.REDIS_URL = redisInfra.url;
  const services = await SplitServices.create({ suite: 'bench-projector', redisDb: REDIS_DB });
  const redis = await openTestRedis(services.redisUrl, 'bench-projector');
  const admin = await connectAdmin('bench-projector-admin');
  try {
    // PROJECTOR off: no feed of its own runs; each round feeds its EventProjector.
    // The store counts as built (the marker), so that the service is ready and nothing replays.
    const markBuilt = () => redis.set(RedisKeys.projectionMarker(), new Date().toISOString());
    await markBuilt();
    const revocation = await services.start('revocation', { projector: false });
    const { app, config } = services.current(revocation);
    // Retried while the new topic's leaders are elected (NOT_LEADER_FOR_PARTITION).
    const onLog = async (): Promise<number> => {
      for (let attempt = 1; ; attempt++)
        try {
          const ends = await admin.fetchTopicOffsets(TOKEN_LIFECYCLE_TOPIC);
          return ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
        } catch (e) {
          if (attempt >= 20 || !(e as { retriable?: boolean }).retriable) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
    };
    if ((await onLog()) !== 0) throw new Error(`${TOKEN_LIFECYCLE_TOPIC} is not empty`);
    const bus = app.get<KafkaEventBus>(EVENT_BUS);
    const events = lifecycleEvents(EVENTS);
    for (let i = 0; i < events.length; i += 1000)
      await Promise.all(events.slice(i, i + 1000).map((e) => bus.publish(e)));
    log(`published ${await onLog()} events on ${config.kafka!.topicPartitions} partitions`);

    const rates: Record<Feed, number[]> = { kafkajs: [], transport: [] };
    for (let r = 0; r < ROUNDS; r++)
      for (const feed of ['kafkajs', 'transport'] as const) {
        await redis.flushdb();
        await markBuilt();
        const rate = await round(feed, app, config);
        rates[feed].push(Math.round(rate));
        log(`round ${r + 1} ${feed}: ${Math.round(rate)} events/s`);
      }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const summary = {
      events: EVENTS,
      rounds: ROUNDS,
      kafkajsEventsPerSecond: rates.kafkajs,
      transportEventsPerSecond: rates.transport,
      medianKafkajs: median(rates.kafkajs),
      medianTransport: median(rates.transport),
      transportVsKafkajs: +(median(rates.transport) / median(rates.kafkajs)).toFixed(3),
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await Promise.allSettled([services.closeAll(), redis.quit(), admin.disconnect()]);
    await Promise.allSettled([kafka.stop(), redisInfra.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
