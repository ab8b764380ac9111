import { Controller, Get, Header, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type Redis from 'ioredis';
import { EVENT_BUS, EventBus } from '@app/events';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PROJECTION_MARKER, ProjectionMarker, REDIS } from '@app/store';
import { SERVICE_NAME } from './service-name';

/**
 * What each service needs to do its job. Introspection only reads the store: it stays ready (and
 * in the load balancer) through a Kafka outage, which stops writes only.
 */
const NEEDS: Readonly<Record<string, { events: boolean; store: boolean }>> = {
  introspection: { events: false, store: true },
};
const NEEDS_ALL = { events: true, store: true };

/**
 * Liveness (the process answers) and readiness (it can do its job: what it depends on is
 * reachable). Orchestrators route traffic only to ready replicas.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Optional() @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_MARKER) private readonly marker: ProjectionMarker,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const needs = NEEDS[this.service] ?? NEEDS_ALL;
    const [events, store, projection] = await Promise.all([
      this.bus.ready(),
      this.redisReady(),
      this.projectionBuilt(),
    ]);
    const ready = (events || !needs.events) && (store || !needs.store) && projection;
    reply.status(ready ? 200 : 503);
    const state = (up: boolean) => (up ? 'up' : 'down');
    return {
      status: ready ? 'ok' : 'unavailable',
      checks: { events: state(events), store: state(store), projection: state(projection) },
    };
  }

  /**
   * With Kafka as the record, the store is only trustworthy once the projector has built it:
   * introspection (which answers from it) and the projector's host are not ready before.
   */
  private async projectionBuilt(): Promise<boolean> {
    const relies = this.service === 'introspection' || this.config.projector;
    if (!this.config.kafka || !relies) return true;
    return this.marker.present().catch(() => false);
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
