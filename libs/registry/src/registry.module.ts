import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_BUS, EventBus } from '@app/events';
import { ProjectionModule } from '@app/projection';
import { ClientRegistry } from './client.registry';
import { RegistryFeed } from './registry.feed';
import { RegistryWriter } from './registry.writer';
import { ScryptGate } from './scrypt.gate';

@Global()
@Module({
  imports: [ProjectionModule],
  providers: [
    // One gate per process (SCRYPT_CONCURRENCY): client secrets and, where the login app runs
    // in the same process, users' passwords share it, so scrypt never takes more threads.
    {
      provide: ScryptGate,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ScryptGate(config.scryptConcurrency),
    },
    {
      provide: ClientRegistry,
      inject: [APP_CONFIG, ScryptGate],
      useFactory: (config: AppConfig, scrypt: ScryptGate) =>
        new ClientRegistry(config.registry, scrypt, {
          // Documents are read as CONFIG_FILE is (development allowances included).
          parse: {
            plainSecrets: !config.production,
            allowLoopbackHttpJwksUri: !config.production,
          },
          maxTokenTtl: config.maxTokenTtl,
        }),
    },
    {
      // The whole registry log is applied before the process serves anything (and so before
      // its readiness probe answers): no replica starts with an older registry than the log's.
      provide: RegistryFeed,
      inject: [ClientRegistry, EVENT_BUS],
      useFactory: async (registry: ClientRegistry, bus: EventBus) => {
        const feed = new RegistryFeed(registry, bus);
        await feed.start();
        return feed;
      },
    },
    RegistryWriter,
  ],
  exports: [ClientRegistry, ScryptGate, RegistryFeed, RegistryWriter],
})
export class RegistryModule {}
