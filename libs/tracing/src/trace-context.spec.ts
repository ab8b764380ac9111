import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadTracingConfig } from '@app/config';
import { contextFromTraceHeaders, traceHeadersOf, traceIdFromHeaders } from './trace-context';
import { currentTraceId, inSpan, tracer, tracingOn } from './tracer';
import { startTracing, stopTracing } from './tracing.setup';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('tracing off', () => {
  it('is off until started, and names no trace id', () => {
    expect(tracingOn()).toBe(false);
    expect(currentTraceId()).toBeUndefined();
  });

  it('does not start without an exporter configured or given', () => {
    expect(startTracing(loadTracingConfig({}), { service: 'spec' })).toBe(false);
    expect(tracingOn()).toBe(false);
  });
});

describe('the trace id a message carries', () => {
  // No SDK started here: an auditor's consumer names the trace without tracing anything itself.
  it('is read from the traceparent alone, text or Kafka bytes', () => {
    expect(traceIdFromHeaders((n) => (n === 'traceparent' ? TRACEPARENT : undefined))).toBe(
      '0af7651916cd43dd8448eb211c80319c',
    );
    expect(
      traceIdFromHeaders((n) => (n === 'traceparent' ? Buffer.from(TRACEPARENT) : undefined)),
    ).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('is undefined for no header, a malformed one, or the all-zero trace id', () => {
    const zero = '00-00000000000000000000000000000000-b7ad6b7169203331-01';
    for (const v of [undefined, 'garbage', zero])
      expect(traceIdFromHeaders(() => v)).toBeUndefined();
  });
});

describe('W3C trace context', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => startTracing(loadTracingConfig({}), { service: 'spec', exporter }));
  afterAll(() => stopTracing());

  it('continues the trace of a traceparent read from a carrier', () => {
    const ctx = contextFromTraceHeaders((name) =>
      name === 'traceparent' ? TRACEPARENT : undefined,
    );
    const parent = trace.getSpanContext(ctx);
    expect(parent).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      isRemote: true,
    });
  });

  it('reads Kafka header bytes, the first of a repeated header, and tracestate', () => {
    const headers: Record<string, Buffer | Buffer[]> = {
      traceparent: [Buffer.from(TRACEPARENT), Buffer.from(TRACEPARENT.replace('b7', 'c7'))],
      tracestate: Buffer.from('vendor=opaque'),
    };
    const ctx = contextFromTraceHeaders((name) => headers[name]);
    expect(trace.getSpanContext(ctx)?.spanId).toBe('b7ad6b7169203331');
    expect(trace.getSpanContext(ctx)?.traceState?.get('vendor')).toBe('opaque');
  });

  it('takes a malformed or absent traceparent for no parent, without throwing', () => {
    for (const v of ['garbage', '00-zz-b7ad6b7169203331-01', undefined])
      expect(trace.getSpanContext(contextFromTraceHeaders(() => v))).toBeUndefined();
  });

  it("writes the active span's context, which a reader continues in the same trace", async () => {
    expect(traceHeadersOf()).toBeUndefined();
    const written = await inSpan('writer', {}, () => ({
      headers: traceHeadersOf(),
      traceId: currentTraceId(),
    }));
    expect(written.headers?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(written.headers?.traceparent.split('-')[1]).toBe(written.traceId);
    const child = tracer().startSpan(
      'reader',
      {},
      contextFromTraceHeaders((n) =>
        n === 'traceparent' ? written.headers?.traceparent : undefined,
      ),
    );
    expect(child.spanContext().traceId).toBe(written.traceId);
    child.end();
  });

  it('carries tracestate along', () => {
    const ctx = contextFromTraceHeaders((n) =>
      n === 'traceparent' ? TRACEPARENT : n === 'tracestate' ? 'a=1,b=2' : undefined,
    );
    expect(traceHeadersOf(ctx)).toEqual({ traceparent: TRACEPARENT, tracestate: 'a=1,b=2' });
  });

  it('ends a span that failed as an error, and lets the failure through', async () => {
    exporter.reset();
    await expect(
      inSpan('fails', {}, () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('fails');
    expect(span?.status.code).toBe(2);
  });
});
