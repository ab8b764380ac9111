import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { traceHeadersOf } from './trace-context';
import { tracer, tracingOn } from './tracer';

/**
 * `fetch` as a CLIENT span (OpenTelemetry HTTP client conventions) whose `traceparent` goes with
 * the request, so that the service called (our introspection or login/consent API, anyone's
 * JWKS) continues the caller's trace. Without tracing it is `fetch` itself: nothing allocated.
 *
 * The span names the server and the path, never the query or the body (a login challenge, a
 * token: `url.full` is left out on purpose). A transport failure or a 5xx marks it an error; a
 * 4xx is the answer the caller asked for (OTel: client spans fail on 4xx only when the caller
 * says so, which none here does).
 */
export async function tracedFetch(
  url: string | URL,
  init: RequestInit & { method: string },
  doFetch: typeof fetch = fetch,
): Promise<Response> {
  if (!tracingOn()) return doFetch(url, init);
  const target = new URL(url);
  const span = tracer().startSpan(init.method, {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': init.method,
      'server.address': target.hostname,
      'server.port': Number(target.port) || (target.protocol === 'https:' ? 443 : 80),
      'url.scheme': target.protocol.slice(0, -1),
      'url.path': target.pathname,
    },
  });
  const carried = traceHeadersOf(trace.setSpan(context.active(), span));
  const headers = new Headers(init.headers);
  if (carried) {
    headers.set('traceparent', carried.traceparent);
    if (carried.tracestate) headers.set('tracestate', carried.tracestate);
  }
  try {
    const res = await doFetch(url, { ...{}, ...init, headers });
    span.setAttribute('http.response.status_code', res.status);
    if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return res;
  } catch (e) {
    span.setAttribute('error.type', e instanceof Error ? e.name : 'error');
    span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : 'error' });
    throw e;
  } finally {
    span.end();
  }
}
