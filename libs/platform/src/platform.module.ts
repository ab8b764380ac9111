import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { EventsModule } from '@app/events';
import { OAuthModule } from '@app/oauth';
import { ProjectionModule } from '@app/projection';
import { RegistryModule } from '@app/registry';
import { StoreModule, TOKEN_STORE, TokenStore } from '@app/store';
import { GrantRevoker } from './grant.revoker';
import { HealthController } from './health.controller';
import { LoadShedder } from './load-shedder';
import { MetricsModule } from '@app/metrics';
import { MetricsController } from './metrics.controller';
import { RefreshTokenLookup } from './refresh-token.lookup';
import { SERVICE_NAME } from './service-name';
import { TracingFlush } from './tracing.flush';
import { KeyRingSync } from './signing-keys/key-ring.sync';
import { KeyStepAnnouncer } from './signing-keys/key-step.announcer';
import { AccessTokenReader, JwtAccessTokenFormat, TokensModule } from '@app/tokens';

/**
 * The infrastructure every service shares, bound once per process: configuration, keys, the
 * client registry, stores and the event bus. Services import only their feature module on top.
 */
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig, service: string): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        MetricsModule.forRoot(service, config.metrics.enabled, config.metrics.clientLabels),
        TokensModule,
        RegistryModule,
        StoreModule,
        EventsModule.forRoot(service),
        OAuthModule,
        ProjectionModule,
      ],
      // METRICS_ENABLED=false: no /metrics route at all (404), as if it never existed.
      controllers: config.metrics.enabled
        ? [HealthController, MetricsController]
        : [HealthController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        {
          provide: AccessTokenReader,
          inject: [JwtAccessTokenFormat, TOKEN_STORE],
          useFactory: (jwt: JwtAccessTokenFormat, tokens: TokenStore) =>
            new AccessTokenReader(jwt, tokens),
        },
        // Issuance (code replay, refresh-token reuse) and revocation (RFC 7009 of a refresh
        // token) revoke whole grants the same way.
        GrantRevoker,
        RefreshTokenLookup,
        TracingFlush,
        LoadShedder,
        // Every service holds a key ring: each follows runtime rotations (README "Signing keys").
        KeyStepAnnouncer,
        KeyRingSync,
      ],
      exports: [
        AccessTokenReader,
        GrantRevoker,
        RefreshTokenLookup,
        LoadShedder,
        ProjectionModule,
        KeyStepAnnouncer,
        KeyRingSync,
      ],
    };
  }
}
