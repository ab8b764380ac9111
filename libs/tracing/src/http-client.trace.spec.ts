import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadTracingConfig } from '@app/config';
import { tracedFetch } from './http-client.trace';
import { inSpan } from './tracer';
import { startTracing, stopTracing } from './tracing.setup';

const URL_WITH_QUERY = 'http://127.0.0.1:4010/login-consent/login?login_challenge=secret-ch';

function recordingFetch(answer: () => Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const doFetch = (async (url: string | URL, init: RequestInit) => {
    calls.push({ url: String(url), init });
    return answer();
  }) as typeof fetch;
  return { calls, doFetch };
}

describe('tracedFetch without tracing', () => {
  it('is the fetch it wraps: the same request, no header added', async () => {
    const { calls, doFetch } = recordingFetch(async () => new Response('{}'));
    const init = { method: 'GET', headers: { accept: 'application/json' } };
    await tracedFetch(URL_WITH_QUERY, init, doFetch);
    expect(calls).toEqual([{ url: URL_WITH_QUERY, init }]);
  });
});

describe('tracedFetch with tracing', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => startTracing(loadTracingConfig({}), { service: 'spec', exporter }));
  afterAll(() => stopTracing());
  beforeEach(() => exporter.reset());

  it('is a CLIENT span of the active trace whose traceparent goes with the request', async () => {
    const { calls, doFetch } = recordingFetch(async () => new Response('{}', { status: 200 }));
    await inSpan('caller', {}, () =>
      tracedFetch(URL_WITH_QUERY, { method: 'POST', headers: { accept: 'x/y' } }, doFetch),
    );
    const [client, caller] = exporter.getFinishedSpans();
    expect(client).toMatchObject({ name: 'POST', kind: SpanKind.CLIENT });
    expect(client!.parentSpanContext?.spanId).toBe(caller!.spanContext().spanId);
    expect(client!.attributes).toEqual({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': 4010,
      'url.scheme': 'http',
      'url.path': '/login-consent/login',
      'http.response.status_code': 200,
    });
    // The query (a challenge, a token) is on no attribute.
    expect(JSON.stringify(client!.attributes)).not.toContain('secret-ch');
    const sent = new Headers(calls[0]!.init.headers);
    expect(sent.get('accept')).toBe('x/y');
    const { traceId, spanId } = client!.spanContext();
    expect(sent.get('traceparent')).toBe(`00-${traceId}-${spanId}-01`);
  });

  it('fails on a 5xx or a transport error, not on a 4xx', async () => {
    const answers = [404, 503].map((status) =>
      recordingFetch(async () => new Response('', { status })),
    );
    for (const { doFetch } of answers)
      await tracedFetch('https://keys.example.com/jwks', { method: 'GET' }, doFetch);
    const broken = recordingFetch(() => Promise.reject(new TypeError('fetch failed')));
    await expect(
      tracedFetch('https://keys.example.com/jwks', { method: 'GET' }, broken.doFetch),
    ).rejects.toThrow('fetch failed');
    const [notFound, unavailable, unreachable] = exporter.getFinishedSpans();
    expect(notFound!.status.code).toBe(SpanStatusCode.UNSET);
    expect(notFound!.attributes['server.port']).toBe(443);
    expect(unavailable!.status.code).toBe(SpanStatusCode.ERROR);
    expect(unreachable!.status.code).toBe(SpanStatusCode.ERROR);
    expect(unreachable!.attributes['error.type']).toBe('TypeError');
  });
});
