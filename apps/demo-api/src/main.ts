import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadResourceServerEnv } from '@app/config';
import {
  createServiceLogger,
  limitedFastifyAdapter,
  NestPinoLogger,
  trackRequests,
} from '@app/platform';
import { DemoApiModule } from './demo-api.module';

async function main(): Promise<void> {
  const env = loadResourceServerEnv();
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
