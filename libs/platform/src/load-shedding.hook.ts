import type { FastifyInstance } from 'fastify';
import { Overloaded, sendOAuthFailure } from '@app/oauth';
import { LoadShedder } from './load-shedder';

/**
 * Probes and scrapes pass while shedding: readiness must be able to say "unready" (so the load
 * balancer moves traffic away), liveness must not get the process killed for being busy, and the
 * operator's metrics matter most under load.
 */
const NEVER_SHED = /^\/(?:health\/|metrics(?:$|\?))/;

/**
 * One `onRequest` hook, first of all, refuses new requests with 503 + Retry-After while the
 * LoadShedder says the loop is behind: before routing work, body parsing or any store call.
 * Not installed when shedding is off. Register before the routes.
 */
export function shedLoad(fastify: FastifyInstance, shedder: LoadShedder): void {
  if (!shedder.enabled) return;
  fastify.addHook('onRequest', (req, reply, done) => {
    if (!shedder.shedding || NEVER_SHED.test(req.url)) return done();
    sendOAuthFailure(reply, new Overloaded(shedder.retryAfterSeconds));
  });
}
