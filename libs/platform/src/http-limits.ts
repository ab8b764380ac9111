import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyHttpOptions } from 'fastify';
import type { Server } from 'node:http';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import { HttpLimits } from '@app/config';
import { requestIdOf } from './logging/request-id.hook';
import { coalesceResponseWrites } from './response-writes.hook';

/**
 * A Fastify adapter whose server bounds every connection: headers, whole request and idle
 * keep-alive time, and how many connections it holds. Fastify disables Node's request timeout
 * by default, so a request whose body stalls would hold its connection for ever.
 */
export function limitedFastifyAdapter(
  limits: HttpLimits,
  options: Omit<FastifyHttpOptions<Server>, 'http'> = {},
  /** Given: the server speaks HTTPS with these (TLS_CERT_FILE, TLS_KEY_FILE). */
  tls?: SecureContextOptions & TlsOptions,
): FastifyAdapter {
  const server = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node enforces the two timeouts above by sweeping its connections on this period
    // (default 30 s, which would let a stalled request live up to 30 s past its deadline).
    connectionsCheckingInterval: checkingInterval(limits),
  };
  const adapter = new FastifyAdapter({
    // The request id of every log line, answered in X-Request-Id (logging/request-id.hook.ts).
    genReqId: requestIdOf,
    ...options,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    ...(tls ? { https: { ...{}, ...tls, ...server } } : { http: server }),
  } as FastifyHttpOptions<Server>);
  // Node closes connections past the cap as soon as it accepts them (net.Server `drop`).
  adapter.getInstance().server.maxConnections = limits.maxConnections;
  // Before any route exists: the hook covers every answer.
  if (limits.coalesceWrites) coalesceResponseWrites(adapter.getInstance());
  return adapter;
}

function checkingInterval(limits: HttpLimits): number {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return Math.min(1000, Math.max(25, Math.floor(shortest / 4)));
}
