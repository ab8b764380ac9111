import {
  context,
  Context,
  isSpanContextValid,
  ROOT_CONTEXT,
  TextMapGetter,
  TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) as it travels beside a message:
 * Kafka headers of every lifecycle event, fields of a revocation-stream entry. The wire format
 * is fixed by the contract (docs/asyncapi.yaml), not by whichever propagator a host registers,
 * so the W3C propagator is used here directly.
 */
export interface TraceHeaders {
  readonly traceparent: string;
  readonly tracestate?: string;
}

const w3c = new W3CTraceContextPropagator();

const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The headers that continue `ctx`'s span elsewhere; undefined when it has no valid span. */
export function traceHeadersOf(ctx: Context = context.active()): TraceHeaders | undefined {
  if (!trace.getSpanContext(ctx)) return undefined;
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, setter);
  const traceparent = carrier.traceparent;
  if (traceparent === undefined) return undefined;
  return carrier.tracestate ? { traceparent, tracestate: carrier.tracestate } : { traceparent };
}

/** Header values as carriers hold them: text, bytes (Kafka), a repeated header, or absent. */
export type CarriedValue = string | Buffer | readonly (string | Buffer)[] | undefined;

const getter: TextMapGetter<(name: string) => CarriedValue> = {
  get: (read, key) => text(read(key)),
  keys: () => ['traceparent', 'tracestate'],
};

/**
 * The context a message's trace headers continue (a remote parent), or the root context when
 * it carries none or a malformed `traceparent` (the W3C propagator ignores what it cannot
 * parse): a consumer then starts a trace of its own rather than failing the message.
 */
export function contextFromTraceHeaders(read: (name: string) => CarriedValue): Context {
  return w3c.extract(ROOT_CONTEXT, read, getter);
}

/**
 * The trace id a message's headers carry (its `traceparent`), or undefined when it carries none
 * or a malformed one: what an audit line names so that an auditor can open the request's trace.
 * Needs no SDK: the W3C propagator parses the header on the API alone.
 */
export function traceIdFromHeaders(read: (name: string) => CarriedValue): string | undefined {
  const carried = trace.getSpanContext(contextFromTraceHeaders(read));
  return carried && isSpanContextValid(carried) ? carried.traceId : undefined;
}

function text(v: CarriedValue): string | undefined {
  if (v === undefined) return undefined;
  // A repeated header: W3C Trace Context §3.2.1 allows one traceparent; the first counts.
  const first = Array.isArray(v) ? (v as readonly (string | Buffer)[])[0] : (v as string | Buffer);
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('latin1');
}
