import { DynamicModule, Module } from '@nestjs/common';
import { ResourceServerEnv } from '@app/config';
import { MetricsAccess, TracingFlush } from '@app/platform';
import { ResourceServerModule } from '@app/resource-server';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { OrdersController } from './orders.controller';

@Module({})
export class DemoApiModule {
  static forRoot(env: ResourceServerEnv): DynamicModule {
    return {
      module: DemoApiModule,
      imports: [
        ResourceServerModule.forRoot({
          issuer: env.issuer,
          audience: env.audience,
          jwksUri: env.jwksUri,
          redisUrl: env.redisUrl,
          redisCluster: env.redisCluster,
          introspection: env.introspection,
          stalenessBudgetMs: env.stalenessBudgetMs,
          failurePolicy: env.failurePolicy,
          clockSkewSeconds: env.clockSkewSeconds,
          // RFC 9449 §7: DPoP-bound tokens too, proofs' jti shared on the API's Redis.
          dpop: { publicUrl: env.publicUrl, proofs: env.dpop },
          // RFC 8705 §3 behind a TLS-terminating proxy: certificate-bound tokens.
          clientCertTrustedProxies: env.clientCertTrustedProxies,
        }),
      ],
      controllers: env.metrics.enabled
        ? [OrdersController, HealthController, MetricsController]
        : [OrdersController, HealthController],
      providers: [
        { provide: MetricsAccess, useValue: new MetricsAccess(env.metrics.token) },
        TracingFlush,
      ],
    };
  }
}
