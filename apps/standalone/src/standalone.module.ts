import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { IntrospectionModule } from '@app/introspection';
import { IssuanceModule } from '@app/issuance';
import { PlatformModule } from '@app/platform';
import { RevocationModule } from '@app/revocation';

/** All three services in one process on one port: nothing of its own. */
@Module({})
export class StandaloneModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: StandaloneModule,
      imports: [
        PlatformModule.forRoot(config, 'standalone'),
        IssuanceModule,
        IntrospectionModule,
        RevocationModule,
      ],
    };
  }
}
