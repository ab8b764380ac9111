import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { METRICS_CONTENT_TYPE, scrapeRegistry } from '@app/metrics';
import { InvalidBearerToken, sendOAuthError } from '@app/oauth';
import { MetricsAccess } from '@app/platform';
import { TokenValidator } from '@app/resource-server';

/**
 * `GET /metrics`: how an API that embeds the resource-server library serves its metrics (the
 * revocation mirror's lag and staleness) next to its process's, under the same rules as the
 * platform's services (METRICS_TOKEN). This API has no global OAuth error filter: the refusal
 * is rendered here.
 */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly validator: TokenValidator,
    private readonly access: MetricsAccess,
  ) {}

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    try {
      this.access.check(authorization);
    } catch (e) {
      if (!(e instanceof InvalidBearerToken)) throw e;
      sendOAuthError(reply, e);
      return;
    }
    // Merged at each scrape: the mirror registers its gauges when the validator starts.
    const text = await scrapeRegistry([this.validator.metrics], { service: 'demo-api' }).metrics();
    reply
      .header('content-type', METRICS_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .send(text);
  }
}
