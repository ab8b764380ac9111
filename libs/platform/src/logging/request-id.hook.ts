import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { RequestLogContext, requestLogContext } from './log-context';

export const REQUEST_ID_HEADER = 'x-request-id';
/** A proxy's or caller's id is kept when it is short and plain; anything else is replaced. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,64}$/;

/**
 * Fastify's `genReqId`: the caller's `X-Request-Id` when it is a sane one (so that a proxy's id
 * follows the request through), else a fresh UUID. Fastify calls it for every request anyway.
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && ACCEPTED_REQUEST_ID.test(given) ? given : randomUUID();
}

const CONTEXT = Symbol('requestLogContext');
type Tracked = { [CONTEXT]?: RequestLogContext };

/**
 * Answers every request with its `X-Request-Id`. At LOG_LEVEL=debug it also runs the request's
 * handling inside its log context, so that every line logged meanwhile carries `req_id`,
 * whatever logger call wrote it (entered twice: at `onRequest`, and again at `preHandler`
 * because the body arrives on the socket's own async context), and writes one line per request.
 * Below debug neither: an AsyncLocalStorage in use makes Node 20 track every promise, about
 * 3.3 µs of CPU per request on the hot routes (5.6 against 2.3 µs for a request of 20 awaited
 * promises, `node bench/request-context-cost.js`), and the lines that matter then (the error
 * filter's 5xx and 503 lines) name their request themselves. Register before the routes, so that
 * the hot routes OAuthRouter mounts get it too.
 */
export function trackRequests(fastify: FastifyInstance, logger: Logger): void {
  if (!logger.isLevelEnabled('debug')) {
    fastify.addHook('onRequest', (req, reply, done) => {
      reply.header(REQUEST_ID_HEADER, req.id);
      done();
    });
    return;
  }
  fastify.addHook('onRequest', (req, reply, done) => {
    const context: RequestLogContext = { requestId: req.id };
    (req as Tracked)[CONTEXT] = context;
    reply.header(REQUEST_ID_HEADER, req.id);
    requestLogContext.run(context, done);
  });
  fastify.addHook('preHandler', (req, _reply, done) => {
    const context = (req as Tracked)[CONTEXT];
    if (context) requestLogContext.run(context, done);
    else done();
  });
  // The route template only, never the URL (its query may hold a code or a token); the headers
  // as pino-http logs them, their credentials redacted (log-redaction.ts).
  fastify.addHook('onResponse', (req, reply, done) => {
    logger.debug(
      {
        req_id: req.id,
        req: { method: req.method, route: req.routeOptions.url, headers: req.headers },
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
    done();
  });
}
