import { DynamicModule, Logger, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '@app/config';
import { OAuthExceptionFilter, OAuthRouter } from '@app/oauth';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

/**
 * Creates a service's HTTP application on Fastify. Bodies are read as raw strings under a fixed
 * limit and parsed strictly by the endpoint (FormParams), whatever content type they claim.
 */
export async function createHttpApp(
  rootModule: Type<unknown> | DynamicModule,
  config: AppConfig,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimit,
    // The caller's address keys the per-address throttle of failed client authentications: only
    // the proxies TRUST_PROXY names may set it through X-Forwarded-For.
    trustProxy: config.trustProxy && [...config.trustProxy],
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bodyParser: false,
    logger: LEVELS[config.logLevel],
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.useGlobalFilters(new OAuthExceptionFilter());
  app.enableShutdownHooks();
  // The OAuth endpoints go straight on Fastify, after init so that they get Nest's error handler.
  await app.init();
  app.get(OAuthRouter).mount(fastify);
  if (!config.keysFile)
    new Logger('Keys').warn(
      'Signing keys were generated at start and are for development only: tokens die with this ' +
        'process. Set KEYS_FILE to a JWK set with private keys for anything else.',
    );
  return app;
}
