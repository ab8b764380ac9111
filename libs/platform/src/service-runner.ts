import { DynamicModule, Logger, Type } from '@nestjs/common';
import { AppConfig, ConfigError, loadConfig } from '@app/config';
import { currentTraceId, startTracing } from '@app/tracing';
import { setTraceIdSource } from './logging';
import { createHttpApp } from './http-server';
import { PlatformModule } from './platform.module';

export interface ServiceDefinition {
  /** Names the service in logs and in each event's `source`. */
  readonly name: string;
  readonly defaultPort: number;
  /** Whether this service runs the Kafka → Redis projector unless PROJECTOR says otherwise. */
  readonly projector?: boolean;
  /** Whether this service serves the playground unless PLAYGROUND says otherwise. */
  readonly playground?: boolean;
  readonly features: readonly Type<unknown>[];
  /** Extra start-up lines, e.g. how to try the service. */
  readonly greet?: (config: AppConfig, log: Logger) => void;
}

/**
 * Validates the configuration, starts tracing when an exporter is configured, boots the service
 * and listens; a bad config stops the process.
 */
export async function runService(def: ServiceDefinition): Promise<void> {
  const log = new Logger(def.name);
  try {
    const config = loadConfig(undefined, {
      port: def.defaultPort,
      projector: def.projector,
      playground: def.playground,
    });
    // Before the application: its connections and hooks are instrumented as they are made.
    if (startTracing(config.tracing, { service: def.name })) {
      // Every line logged inside a span carries its trace id.
      setTraceIdSource(currentTraceId);
      log.log(`traces to ${config.tracing.tracesEndpoint ?? 'the configured exporter'}`);
    }
    const app = await createHttpApp(serviceModule(config, def.name, def.features), config, {
      service: def.name,
    });
    await app.listen(config.port, config.host);
    log.log(`listening on ${config.host}:${config.port}, issuer ${config.issuer}`);
    def.greet?.(config, log);
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : e);
    process.exit(1);
  }
}

/** A service's root module: the shared platform bound once, its feature modules on top. */
export function serviceModule(
  config: AppConfig,
  name: string,
  features: readonly Type<unknown>[],
): DynamicModule {
  class ServiceRootModule {}
  return {
    module: ServiceRootModule,
    imports: [PlatformModule.forRoot(config, name), ...features],
  };
}
