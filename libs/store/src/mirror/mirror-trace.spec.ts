import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadTracingConfig } from '@app/config';
import { inSpan, startTracing, stopTracing } from '@app/tracing';
import { MemoryRevocationStore } from '../memory/memory-revocation.store';
import { feedEntryOf } from '../redis/redis-revocation.feed';
import { Revocation } from '../store.ports';
import { RevocationMirror } from './revocation.mirror';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const revocation: Revocation = {
  kind: 'token',
  clientId: 'c',
  jti: 'j',
  expiresAt: 2_000_000_000_000,
};
const json = JSON.stringify(revocation);

describe('revocation stream entries with trace context', () => {
  it('reads entries written before tracing (one field) as before', () => {
    expect(feedEntryOf('1-0', ['revocation', json])).toEqual({ id: '1-0', revocation });
  });

  it('reads traceparent and tracestate after the first field, whatever their order', () => {
    expect(
      feedEntryOf('1-0', ['revocation', json, 'tracestate', 'a=1', 'traceparent', TRACEPARENT]),
    ).toEqual({ id: '1-0', revocation, trace: { traceparent: TRACEPARENT, tracestate: 'a=1' } });
    expect(
      feedEntryOf('2-0', ['key', '{"kid":"k","alg":"ES256"}', 'traceparent', TRACEPARENT]),
    ).toEqual({ id: '2-0', key: { kid: 'k', alg: 'ES256' }, trace: { traceparent: TRACEPARENT } });
  });

  it('ignores fields it does not know, and a tracestate without traceparent', () => {
    expect(feedEntryOf('1-0', ['revocation', json, 'tracestate', 'a=1', 'other', 'x'])).toEqual({
      id: '1-0',
      revocation,
    });
  });
});

describe('RevocationMirror with tracing on', () => {
  const exporter = new InMemorySpanExporter();
  let store: MemoryRevocationStore;
  let sut: RevocationMirror;

  beforeAll(() => startTracing(loadTracingConfig({}), { service: 'spec', exporter }));
  afterAll(() => stopTracing());
  beforeEach(() => {
    exporter.reset();
    store = new MemoryRevocationStore();
  });
  afterEach(() => sut?.stop());

  it("applies a traced entry in a span of the writer's trace", async () => {
    sut = new RevocationMirror(store, { blockMs: 50 });
    await sut.start();
    const applied = new Promise<void>((r) => sut.onRevocation(() => r()));
    const writer = await inSpan('POST /oauth2/revoke', {}, async (span) => {
      await store.revoke(revocation);
      return span.spanContext();
    });
    await applied;
    const span = exporter.getFinishedSpans().find((s) => s.name === 'revocation-mirror apply')!;
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.spanContext().traceId).toBe(writer.traceId);
    expect(span.parentSpanContext?.spanId).toBe(writer.spanId);
    expect(span.attributes['token_lifecycle.feed.entry']).toBe('token');
  });

  it('applies an entry written outside any trace without a span', async () => {
    await store.revoke(revocation);
    sut = new RevocationMirror(store, { blockMs: 50 });
    await sut.start();
    expect(sut.isRevoked({ clientId: 'c', jti: 'j', iat: 1 })).toBe(true);
    expect(exporter.getFinishedSpans().filter((s) => s.name === 'revocation-mirror apply')).toEqual(
      [],
    );
  });
});
