import type { FastifyInstance } from 'fastify';

/**
 * What every answer carries, JSON and HTML alike (the subset of helmet's defaults that applies
 * to an API): the content type is never sniffed into something executable, no Referer leaves
 * with a URL that may hold a code or a state, and nothing may frame or script a response. The
 * HTML pages (login app, authorize, logout) replace the Content-Security-Policy with their own,
 * stricter per page. HSTS belongs to whoever terminates TLS for the public hostname (a service
 * behind a proxy cannot tell whether its public URL is HTTPS-only).
 *
 * Set in one `onRequest` hook (four header writes, no per-route code) rather than through
 * @fastify/helmet, which is not a dependency and would add an onRequest hook of its own that
 * computes the same headers per request.
 */
const HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/** Register before the routes: the hook covers the raw OAuth routes and Nest's alike. */
export function addSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_req, reply, done) => {
    reply.headers(HEADERS);
    done();
  });
}
