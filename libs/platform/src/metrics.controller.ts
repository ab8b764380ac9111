import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { METRICS_CONTENT_TYPE, ServiceMetrics } from '@app/metrics';
import { MetricsAccess } from './metrics.access';

/**
 * `GET /metrics`: the service's metrics and its process's in the Prometheus text format.
 * Mounted only when METRICS_ENABLED is true (the default); METRICS_TOKEN restricts it.
 */
@Controller('metrics')
export class MetricsController {
  private readonly access: MetricsAccess;

  constructor(
    private readonly metrics: ServiceMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.access = new MetricsAccess(config.metrics.token);
  }

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    this.access.check(authorization);
    reply.header('content-type', METRICS_CONTENT_TYPE).header('cache-control', 'no-store');
    return this.metrics.scrape();
  }
}
