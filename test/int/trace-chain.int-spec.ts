import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadTracingConfig } from '@app/config';
import { openFeedRedis, RedisRevocationFeed, RevocationMirror } from '@app/store';
import { startTracing, stopTracing } from '@app/tracing';
import { PROJECTOR_GROUP } from '../../apps/revocation/src/projector/event.projector';
import {
  ServiceReplica,
  SPLIT_AUTH,
  SPLIT_RESOURCES,
  SplitServices,
} from '../support/in-process-services';
import { eventually } from '../support/int-eventually';

jest.setTimeout(90_000);

const REDIS_DB = 5;

/**
 * Issue 15: one trace from `POST /oauth2/revoke` to each replica applying the revocation. The
 * split services run in this process with the SDK started on an in-memory exporter (as
 * runService starts it on OTLP): the revocation service's HTTP span, its Kafka publish, the
 * projector's processing of the event (continued from the Kafka headers) and a replica's
 * revocation mirror applying the stream entry (continued from the entry's fields) share one
 * trace id, and each is the child of the one before it.
 */
describe('a revocation traced from the request to the replicas', () => {
  const exporter = new InMemorySpanExporter();
  let services: SplitServices;
  let issuance: ServiceReplica;
  let revocation: ServiceReplica;
  let mirror: RevocationMirror;
  let feed: RedisRevocationFeed;

  beforeAll(async () => {
    // The configuration tracing reads from the standard variables (none: the exporter is given).
    expect(startTracing(loadTracingConfig({}), { service: 'int-traces', exporter })).toBe(true);
    services = await SplitServices.create({ suite: 'traces', redisDb: REDIS_DB });
    [issuance, revocation] = await Promise.all([
      services.start('issuance'),
      services.start('revocation'),
    ]);
    // A resource-server replica's mirror, following the revocation stream.
    feed = new RedisRevocationFeed(
      await openFeedRedis(services.redisUrl, 'int-traces-mirror', 500),
    );
    mirror = new RevocationMirror(feed, { blockMs: 500 });
    await mirror.start();
  });

  afterAll(async () => {
    await feed?.close();
    await mirror?.stop();
    await services?.closeAll();
    await stopTracing();
  });

  const spans = () => exporter.getFinishedSpans();
  const attr = (s: ReadableSpan, k: string) => s.attributes[k];
  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

  it('carries one trace id from the HTTP span through Kafka to the projector and a mirror', async () => {
    const oauth = services.client({ issuance, introspection: revocation, revocation });
    const token = await oauth.accessToken(SPLIT_AUTH.owner, {
      resource: SPLIT_RESOURCES.jwt.identifier,
    });
    const applied = new Promise<void>((resolve) => mirror.onRevocation(() => resolve()));
    exporter.reset();

    const res = await oauth.revoke({ token }, SPLIT_AUTH.owner);
    expect(res.status).toBe(200);

    const server = spans().find(
      (s) => s.kind === SpanKind.SERVER && attr(s, 'http.route') === '/oauth2/revoke',
    );
    expect(server).toBeDefined();
    expect(server!.name).toBe('POST /oauth2/revoke');
    expect(attr(server!, 'http.response.status_code')).toBe(200);
    const traceId = server!.spanContext().traceId;

    // The publish: a child of the request, acknowledged before the answer.
    const publish = spans().find(
      (s) => s.kind === SpanKind.PRODUCER && attr(s, 'cloudevents.event_type') === 'token.revoked',
    );
    expect(publish?.spanContext().traceId).toBe(traceId);
    expect(parentOf(publish!)).toBe(server!.spanContext().spanId);
    const eventId = attr(publish!, 'messaging.message.id');

    // Redis calls of the request are spans of it too: the stream entry (the append-once script)
    // and the revocation key (the merge script).
    const redis = spans().filter(
      (s) => s.spanContext().traceId === traceId && s.kind === SpanKind.CLIENT,
    );
    expect(redis.filter((s) => s.name === 'redis EVAL').length).toBeGreaterThanOrEqual(2);

    // The projector continues the trace from the event's Kafka headers: its parent is the publish.
    const projected = await eventually(
      'the projector to process the revocation event',
      () =>
        spans().find(
          (s) =>
            s.kind === SpanKind.CONSUMER &&
            attr(s, 'messaging.message.id') === eventId &&
            attr(s, 'messaging.consumer.group.name') === PROJECTOR_GROUP,
        ),
      Boolean,
      { timeoutMs: 45_000 },
    );
    expect(projected!.name).toBe('process oauth.token-lifecycle.v1');
    expect(projected!.spanContext().traceId).toBe(traceId);
    expect(parentOf(projected!)).toBe(publish!.spanContext().spanId);

    // The replica's mirror continues it from the stream entry the request wrote.
    await applied;
    const mirrored = await eventually('the mirror span', () =>
      spans().find((s) => s.name === 'revocation-mirror apply'),
    );
    expect(mirrored!.spanContext().traceId).toBe(traceId);
    expect(attr(mirrored!, 'token_lifecycle.feed.entry')).toBe('token');
    expect(
      spans()
        .filter((s) => s.spanContext().traceId === traceId)
        .some((s) => s.spanContext().spanId === parentOf(mirrored!)),
    ).toBe(true);
  });
});
