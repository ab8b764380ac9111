import type { FastifyInstance } from 'fastify';
import { HttpRequestMetrics } from '@app/metrics';
import { declareReplyError, replyError } from '@app/oauth';

/**
 * One observation hook for every route of the service, the hot OAuth endpoints that OAuthRouter
 * mounts straight on Fastify (outside Nest's pipeline) and Nest's routes alike: Fastify's
 * `onResponse`, once the answer is written. It reads only what the router already knows: the
 * route template, the status, the RFC error code sendOAuthError noted, and Fastify's own
 * elapsed time; no per-route wrapper, no extra timer. Register before the routes.
 */
export function observeRequests(fastify: FastifyInstance, metrics: HttpRequestMetrics): void {
  if (!metrics.enabled) return;
  declareReplyError(fastify);
  fastify.addHook('onResponse', (req, reply, done) => {
    metrics.observe(
      req.routeOptions.url,
      req.method,
      reply.statusCode,
      replyError(reply),
      reply.elapsedTime / 1000,
    );
    done();
  });
}
