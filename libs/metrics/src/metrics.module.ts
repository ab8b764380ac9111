import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventMetrics } from './event.metrics';
import { HttpRequestMetrics } from './http-request.metrics';
import { LifecycleMetrics } from './lifecycle.metrics';
import { ProjectorMetrics } from './projector.metrics';
import { ServiceMetrics } from './service.metrics';
import { StoreMetrics } from './store.metrics';

const GROUPS = [HttpRequestMetrics, LifecycleMetrics, EventMetrics, ProjectorMetrics, StoreMetrics];

/** One ServiceMetrics per application, and each of its groups injectable by class. */
@Global()
@Module({})
export class MetricsModule {
  /** `labelledClients`: METRICS_CLIENT_LABELS. */
  static forRoot(
    service: string,
    enabled: boolean,
    labelledClients: readonly string[] = [],
  ): DynamicModule {
    const metrics = new ServiceMetrics(service, enabled, labelledClients);
    return {
      module: MetricsModule,
      providers: [
        { provide: ServiceMetrics, useValue: metrics },
        { provide: HttpRequestMetrics, useValue: metrics.http },
        { provide: LifecycleMetrics, useValue: metrics.lifecycle },
        { provide: EventMetrics, useValue: metrics.events },
        { provide: ProjectorMetrics, useValue: metrics.projector },
        { provide: StoreMetrics, useValue: metrics.store },
      ],
      exports: [ServiceMetrics, ...GROUPS],
    };
  }
}
