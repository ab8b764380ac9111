import {
  context,
  Context,
  isSpanContextValid,
  Span,
  SpanOptions,
  SpanStatusCode,
  trace,
  Tracer,
} from '@opentelemetry/api';

/**
 * Whether this process started the SDK (libs/tracing tracing.setup.ts). Every instrumented spot
 * asks this first, so a process without an exporter pays one boolean read and allocates
 * nothing: no no-op span, no header object, no context.
 */
let on = false;

/** The one tracer of the platform's own spans (instrumentation scope). */
const SCOPE = 'token-lifecycle';

export function tracingOn(): boolean {
  return on;
}

/** @internal For the SDK setup (and tests that register their own provider). */
export function markTracing(enabled: boolean): void {
  on = enabled;
}

export function tracer(): Tracer {
  return trace.getTracer(SCOPE);
}

/**
 * The active trace id, for log lines (the structured logger puts it beside the request id);
 * undefined when tracing is off or nothing is being traced.
 */
export function currentTraceId(): string | undefined {
  if (!on) return undefined;
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * Runs `fn` in a new span, child of `parent` (the active context by default), ending it when
 * `fn` settles and marking it failed when `fn` throws. Call only when tracingOn().
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T> | T,
  parent: Context = context.active(),
): Promise<T> {
  const span = tracer().startSpan(name, options, parent);
  try {
    return await context.with(trace.setSpan(parent, span), fn, undefined, span);
  } catch (e) {
    failed(span, e);
    throw e;
  } finally {
    span.end();
  }
}

/** Records `e` on `span` and marks it as an error (OTel status ERROR). */
export function failed(span: Span, e: unknown): void {
  span.recordException(e instanceof Error ? e : String(e));
  span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : 'error' });
}
