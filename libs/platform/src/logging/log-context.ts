import { AsyncLocalStorage } from 'node:async_hooks';

/** What every line logged while a request is handled carries. */
export interface RequestLogContext {
  readonly requestId: string;
}

/** Entered by the request-id hook (request-id.hook.ts) for each request; read by the logger. */
export const requestLogContext = new AsyncLocalStorage<RequestLogContext>();

let traceIdSource: () => string | undefined = () => undefined;

/**
 * The one place the trace id of a log line comes from. Nothing traces yet, so it is undefined;
 * the tracing setup registers `() => trace.getActiveSpan()?.spanContext().traceId` from
 * `@opentelemetry/api` here once, and every line logged in a span carries its `trace_id`.
 */
export function setTraceIdSource(source: () => string | undefined): void {
  traceIdSource = source;
}

/** pino's mixin: the request id and the trace id of the line being written, when there are. */
export function logContextFields(): { req_id?: string; trace_id?: string } {
  const requestId = requestLogContext.getStore()?.requestId;
  const traceId = traceIdSource();
  if (requestId === undefined && traceId === undefined) return {};
  return { ...{}, ...(requestId && { req_id: requestId }), ...(traceId && { trace_id: traceId }) };
}
