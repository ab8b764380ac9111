import { DynamicModule, HttpException, Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import {
  allowCrossOrigin,
  OAuthExceptionFilter,
  limitRequestsByAddress,
  OAuthRouter,
  RequestRateGate,
  liveWebOrigins,
  sendOAuthFailure,
} from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { decorateClientCertificate, serverTls } from './client-certificate.decorator';
import { HttpRequestMetrics } from '@app/metrics';
import { limitedFastifyAdapter } from './http-limits';
import { observeRequests } from './request-metrics.hook';
import { traceRequests } from './request-tracing.hook';
import { LoadShedder } from './load-shedder';
import { shedLoad } from './load-shedding.hook';
import { addSecurityHeaders } from './security-headers.hook';

import { createServiceLogger, NestPinoLogger, trackRequests } from './logging';

export interface HttpAppLogging {
  /** The `service` of every line: the running service's name. */
  readonly service?: string;
  /** Where lines go instead of stdout (a test reading them). */
  readonly destination?: { write(line: string): unknown };
}

/**
 * Creates a service's HTTP application on Fastify. Bodies are read as raw strings under a fixed
 * limit and parsed strictly by the endpoint (FormParams), whatever content type they claim;
 * connections are bounded in time and number (HttpLimits).
 */
export async function createHttpApp(
  rootModule: Type<unknown> | DynamicModule,
  config: AppConfig,
  logging: HttpAppLogging = {},
): Promise<NestFastifyApplication> {
  const logger = createServiceLogger({
    service: logging.service ?? 'standalone',
    level: config.logLevel,
    format: config.logFormat,
    destination: logging.destination,
  });
  const adapter = limitedFastifyAdapter(
    config.http,
    {
      bodyLimit: config.bodyLimit,
      // The caller's address keys the per-address throttle of failed client authentications: only
      // the proxies TRUST_PROXY names may set it through X-Forwarded-For.
      trustProxy: config.trustProxy && [...config.trustProxy],
      // Fastify's own answer to a malformed or over-long URL quotes the URL back: render ours.
      frameworkErrors: (e: FastifyError, _req: FastifyRequest, reply: FastifyReply) =>
        sendOAuthFailure(reply, new HttpException(e.code, e.statusCode ?? 500)),
    },
    serverTls(config),
  );
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bodyParser: false,
    // Every `new Logger(context)` of the code base writes through pino from here on.
    logger: new NestPinoLogger(logger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  decorateClientCertificate(fastify, config);
  // Before any route is registered: the hooks and the reply's error-code field cover them all.
  // Shedding first: an overloaded service refuses before it spends anything on the request.
  shedLoad(fastify, app.get(LoadShedder));
  addSecurityHeaders(fastify);
  trackRequests(fastify, logger);
  observeRequests(fastify, app.get(HttpRequestMetrics));
  traceRequests(fastify);
  limitRequestsByAddress(fastify, app.get(RequestRateGate));
  // Browser-based apps call the token, revocation and userinfo endpoints from their own origin.
  const addPreflightRoutes = allowCrossOrigin(fastify, liveWebOrigins(app.get(ClientRegistry)));
  app.useGlobalFilters(new OAuthExceptionFilter());
  app.enableShutdownHooks();
  // The OAuth endpoints go straight on Fastify, after init so that they get Nest's error handler.
  await app.init();
  app.get(OAuthRouter).mount(fastify);
  addPreflightRoutes();
  // Development defaults said loudly (production refuses them: libs/config deployment-mode.ts).
  const log = new Logger('Config');
  for (const warning of config.warnings) log.warn(warning);
  return app;
}
