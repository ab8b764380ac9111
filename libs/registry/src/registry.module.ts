import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ClientRegistry } from './client.registry';

@Global()
@Module({
  providers: [
    {
      provide: ClientRegistry,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new ClientRegistry(config.registry, config.scryptConcurrency),
    },
  ],
  exports: [ClientRegistry],
})
export class RegistryModule {}
