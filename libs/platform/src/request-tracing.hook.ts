import { context, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { contextFromTraceHeaders, tracer, tracingOn } from '@app/tracing';

const SPAN = Symbol('serverSpan');
type Traced = FastifyRequest & { [SPAN]?: Span };

/**
 * One server span per request for every route of the service, the hot OAuth endpoints that
 * OAuthRouter mounts straight on Fastify and Nest's routes alike, from three hooks registered
 * once: `onRequest` starts it (continuing a caller's `traceparent`, W3C Trace Context), `onRoute`
 * makes each route's handler run with it active (what the handler calls, its events, Redis
 * commands and stream entries, become its children: the body is read between the two, in
 * callbacks that do not carry the context), and `onResponse` ends it with the status. Registered
 * only when tracing is on, before any route: otherwise the routes are untouched.
 */
export function traceRequests(fastify: FastifyInstance): void {
  if (!tracingOn()) return;
  fastify.addHook('onRequest', (req, _reply, done) => {
    const parent = contextFromTraceHeaders((name) => req.headers[name]);
    const route = req.routeOptions.url;
    (req as Traced)[SPAN] = tracer().startSpan(
      route === undefined ? req.method : `${req.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': req.method,
          ...(route === undefined ? {} : { 'http.route': route }),
          'url.scheme': req.protocol,
        },
      },
      parent,
    );
    done();
  });
  fastify.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (this: unknown, req, reply) {
      const span = (req as Traced)[SPAN];
      if (!span) return handler.call(this as never, req, reply);
      return context.with(trace.setSpan(context.active(), span), () =>
        handler.call(this as never, req, reply),
      );
    };
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const span = (req as Traced)[SPAN];
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      // OTel HTTP conventions: a server span is an error for 5xx only (4xx is the client's).
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
  fastify.addHook('onRequestAbort', (req, done) => {
    const span = (req as Traced)[SPAN];
    span?.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted' });
    span?.end();
    done();
  });
}
