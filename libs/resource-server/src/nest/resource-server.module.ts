import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ResourceServerOptions } from '../resource-server.options';
import { TokenValidator } from '../token.validator';
import { BearerGuard } from './bearer.guard';

class ValidatorLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(TokenValidator) private readonly validator: TokenValidator) {}

  onModuleInit(): Promise<void> {
    return this.validator.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.validator.close();
  }
}

/** Validates bearer tokens for this API: import once, then guard routes with BearerGuard. */
@Module({})
export class ResourceServerModule {
  static forRoot(options: ResourceServerOptions): DynamicModule {
    return {
      module: ResourceServerModule,
      global: true,
      providers: [
        { provide: TokenValidator, useValue: new TokenValidator(options) },
        ValidatorLifecycle,
        BearerGuard,
      ],
      exports: [TokenValidator, BearerGuard],
    };
  }
}
