import { DynamicModule, Type } from '@nestjs/common';
import { AuthorizationModule } from '@app/authorization';
import { AppConfig } from '@app/config';
import { IntrospectionModule } from '@app/introspection';
import { IssuanceModule } from '@app/issuance';
import { LoginAppModule } from '@app/login';
import { ManagementModule } from '@app/management';
import { serviceModule } from '@app/platform';
import { PlaygroundModule } from '@app/playground';
import { RevocationModule } from '@app/revocation';

export const STANDALONE_FEATURES: readonly Type<unknown>[] = [
  IssuanceModule,
  IntrospectionModule,
  RevocationModule,
  ManagementModule,
  AuthorizationModule,
  LoginAppModule,
  PlaygroundModule,
];

/** Every service and the reference login app in one process on one port: nothing of its own. */
export const StandaloneModule = {
  forRoot: (config: AppConfig): DynamicModule =>
    serviceModule(config, 'standalone', STANDALONE_FEATURES),
};
