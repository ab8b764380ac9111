import { Controller, Get, Header, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { EVENT_BUS, EventBus } from '@app/events';
import { REDIS } from '@app/store';

/**
 * Liveness (the process answers) and readiness (it can do its job: the event log and the store
 * are reachable). Orchestrators route traffic only to ready replicas.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Optional() @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [kafka, redis] = await Promise.all([this.bus.ready(), this.redisReady()]);
    const checks = { events: kafka ? 'up' : 'down', store: redis ? 'up' : 'down' };
    reply.status(kafka && redis ? 200 : 503);
    return { status: kafka && redis ? 'ok' : 'unavailable', checks };
  }

  private async redisReady(): Promise<boolean> {
    if (!this.redis) return true;
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }
}
