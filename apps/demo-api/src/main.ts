import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadResourceServerEnv } from '@app/config';
import {
  createServiceLogger,
  limitedFastifyAdapter,
  NestPinoLogger,
  setTraceIdSource,
  traceRequests,
  trackRequests,
} from '@app/platform';
import { currentTraceId, startTracing } from '@app/tracing';
import { DemoApiModule } from './demo-api.module';

async function main(): Promise<void> {
  const env = loadResourceServerEnv();
  // Before the application: the revocation mirror then applies each revocation in its trace.
  if (startTracing(env.tracing, { service: 'demo-api' })) setTraceIdSource(currentTraceId);
  const logger = createServiceLogger({
    service: 'demo-api',
    level: env.logLevel,
    format: env.logFormat,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    DemoApiModule.forRoot(env),
    limitedFastifyAdapter(env.http),
    { logger: new NestPinoLogger(logger) },
  );
  trackRequests(app.getHttpAdapter().getInstance(), logger);
  traceRequests(app.getHttpAdapter().getInstance());
  app.enableShutdownHooks();
  await app.listen(env.port, '0.0.0.0');
  new Logger('demo-api').log(
    `orders API for ${env.audience} on :${env.port} (issuer ${env.issuer})`,
  );
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
