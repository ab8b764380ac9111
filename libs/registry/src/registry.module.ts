import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ClientRegistry } from './client.registry';
import { ScryptGate } from './scrypt.gate';

@Global()
@Module({
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
        new ClientRegistry(config.registry, scrypt),
    },
  ],
  exports: [ClientRegistry, ScryptGate],
})
export class RegistryModule {}
