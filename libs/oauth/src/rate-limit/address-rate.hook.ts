import type { FastifyInstance } from 'fastify';
import type { RateLimitedEndpoint } from '@app/config';
import { sendOAuthFailure } from '../http/oauth-exception.filter';
import { RequestRateGate } from './request-rate.gate';

/** The routes each limited endpoint answers on (their paths are fixed: DESIGN.md). */
export const RATE_LIMITED_ROUTES: Readonly<Record<string, RateLimitedEndpoint>> = {
  '/oauth2/token': 'token',
  '/oauth2/par': 'par',
  '/oauth2/authorize': 'authorize',
  '/oauth2/introspect': 'introspection',
  '/oauth2/revoke': 'revocation',
  // RFC 7591 §3 and RFC 7592 §2: registration and the client configuration endpoint.
  '/oauth2/register': 'registration',
  '/oauth2/register/:client_id': 'registration',
};

/**
 * One `onRequest` hook counts every request to a limited endpoint against its source address
 * (after TRUST_PROXY), the raw OAuth routes and Nest's routes alike, before the body is read:
 * a refused request costs no parsing. Not installed at all while no address limit is set.
 * Register before the routes.
 */
export function limitRequestsByAddress(fastify: FastifyInstance, gate: RequestRateGate): void {
  if (!gate.limitsAddresses) return;
  fastify.addHook('onRequest', (req, reply, done) => {
    const endpoint = RATE_LIMITED_ROUTES[req.routeOptions.url ?? ''];
    const pending =
      endpoint && req.method !== 'OPTIONS' ? gate.address(endpoint, req.ip) : undefined;
    if (!pending) return done();
    pending.then(
      () => done(),
      (e: unknown) => sendOAuthFailure(reply, e),
    );
  });
}
