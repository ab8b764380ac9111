import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import Fastify, { FastifyInstance } from 'fastify';
import { loadTracingConfig } from '@app/config';
import { startTracing, stopTracing } from '@app/tracing';
import { traceRequests } from './request-tracing.hook';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function app(): { sut: FastifyInstance; seen: (string | undefined)[] } {
  const sut = Fastify();
  const seen: (string | undefined)[] = [];
  traceRequests(sut);
  sut.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // Registered after the hooks, as OAuthRouter mounts the hot routes after Nest's init. The
  // handler runs after the body was read (callbacks that do not carry the request's context).
  sut.post('/oauth2/revoke', async () => {
    await new Promise((r) => setImmediate(r));
    seen.push(trace.getActiveSpan()?.spanContext().spanId);
    return {};
  });
  sut.get('/broken', async (_req, reply) => reply.code(503).send({}));
  return { sut, seen };
}

describe('traceRequests with tracing off', () => {
  it('adds no hook: the handler runs with no span', async () => {
    const { sut, seen } = app();
    await sut.inject({ method: 'POST', url: '/oauth2/revoke', payload: 'token=x' });
    expect(seen).toEqual([undefined]);
    await sut.close();
  });
});

describe('traceRequests', () => {
  const exporter = new InMemorySpanExporter();
  let sut: FastifyInstance;
  let seen: (string | undefined)[];

  beforeAll(() => startTracing(loadTracingConfig({}), { service: 'spec', exporter }));
  afterAll(() => stopTracing());
  beforeEach(async () => {
    exporter.reset();
    ({ sut, seen } = app());
    await sut.ready();
  });
  afterEach(() => sut.close());

  it("makes one server span per request, named by route, active in the route's handler", async () => {
    const res = await sut.inject({ method: 'POST', url: '/oauth2/revoke', payload: 'token=x' });
    expect(res.statusCode).toBe(200);
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({ name: 'POST /oauth2/revoke', kind: SpanKind.SERVER });
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/oauth2/revoke',
      'http.response.status_code': 200,
    });
    expect(seen).toEqual([span!.spanContext().spanId]);
  });

  it("continues the caller's traceparent", async () => {
    await sut.inject({
      method: 'POST',
      url: '/oauth2/revoke',
      payload: 'token=x',
      headers: { traceparent: TRACEPARENT },
    });
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('marks a 5xx answer as an error, not a 4xx', async () => {
    await sut.inject({ method: 'GET', url: '/broken' });
    await sut.inject({ method: 'GET', url: '/nowhere' });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.attributes['http.response.status_code'], s.status.code])).toEqual([
      [503, 2],
      [404, 0],
    ]);
  });
});
