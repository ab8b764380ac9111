import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import { HttpRequestMetrics } from '@app/metrics';
import { declareReplyError, replyError } from '@app/oauth';

// Read once: a call through the barrel's re-export runs its getter on every request.
const errorOf = replyError;

/**
 * Observes every request of the service, the hot OAuth endpoints that OAuthRouter mounts
 * straight on Fastify (outside Nest's pipeline) and Nest's routes alike, once the answer is
 * written (`onResponse`). It reads only what the router already knows: the route template, the
 * status, the RFC error code sendOAuthError noted, and Fastify's own elapsed time; no extra
 * timer. Each route gets a hook of its own that knows its template (`onRoute`): reading it per
 * request through `req.routeOptions` builds a dozen-field object every time. A request no route
 * matched (the not-found handler, which has no route of its own) is observed by the one global
 * hook. Register before the routes.
 */
export function observeRequests(fastify: FastifyInstance, metrics: HttpRequestMetrics): void {
  if (!metrics.enabled) return;
  declareReplyError(fastify);
  const observer =
    (route: string | undefined): onResponseHookHandler =>
    (req, reply, done) => {
      metrics.observe(
        route,
        req.method,
        reply.statusCode,
        errorOf(reply),
        reply.elapsedTime / 1000,
      );
      done();
    };
  fastify.addHook('onRoute', (route) => {
    const own = route.onResponse;
    const hooks = own === undefined ? [] : Array.isArray(own) ? own : [own];
    route.onResponse = [...hooks, observer(route.url)];
  });
  const unmatched = observer(undefined);
  fastify.addHook('onResponse', (req, reply, done) => {
    if (req.is404) unmatched.call(fastify, req, reply, done);
    else done();
  });
}
