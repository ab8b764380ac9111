import { Controller, Get, Header, Inject, Optional, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EVENT_BUS, EventBus } from '@app/events';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ProjectionGate, REDIS, RedisClient, redisHealth, StoreHealth } from '@app/store';
import { LoadShedder } from './load-shedder';
import { SERVICE_NAME } from './service-name';

interface Needs {
  readonly events: boolean;
  readonly store: boolean;
  /** Reads derived state (token records, revocations): only a complete projection will do. */
  readonly projection: boolean;
}

/**
 * What each service needs to do its job. Introspection only reads the store: it stays ready (and
 * in the load balancer) through a Kafka outage, which stops writes only. Issuance and the
 * authorization service only write derived state, so a store being rebuilt from the log does
 * not stop them.
 */
const NEEDS: Readonly<Record<string, Needs>> = {
  introspection: { events: false, store: true, projection: true },
  issuance: { events: true, store: true, projection: false },
  // Records grants and sessions on the log and keeps flow state in the store; derives nothing.
  authorization: { events: true, store: true, projection: false },
  // The login app only calls the login/consent API; its failure counts fall back to memory.
  login: { events: false, store: false, projection: false },
};
const NEEDS_ALL: Needs = { events: true, store: true, projection: true };

/**
 * Liveness (the process answers) and readiness (it can do its job: what it depends on is
 * reachable). Orchestrators route traffic only to ready replicas.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Optional() @Inject(REDIS) private readonly redis: RedisClient | null,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly projection: ProjectionGate,
    @Optional() private readonly shedder?: LoadShedder,
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
      this.bus.readiness(),
      this.storeHealth(),
      this.projectionBuilt(needs),
    ]);
    // While shedding, the load balancer should send traffic elsewhere (LoadShedder).
    const shedding = this.shedder?.shedding ?? false;
    const ready =
      (events.up || !needs.events) && (store.up || !needs.store) && projection && !shedding;
    reply.status(ready ? 200 : 503);
    const state = (up: boolean) => (up ? 'up' : 'down');
    return {
      status: ready ? 'ok' : 'unavailable',
      checks: {
        events: state(events.up),
        store: state(store.up),
        projection: state(projection),
        ...(this.shedder?.enabled ? { load: shedding ? 'shedding' : 'up' } : {}),
      },
      // Why the log or the store is down (a partition short of in-sync replicas, a Redis Cluster
      // primary without quorum), and why requests are shed, for the operator.
      ...reasons(events.reason, store.reason, shedding ? this.shedder : undefined),
    };
  }

  /**
   * With Kafka as the record, the store is only trustworthy once the projector has built it:
   * the services that answer from it (introspection, revocation) and the projector's host are
   * not ready before. The same gate as their reads (always complete without Kafka).
   */
  private async projectionBuilt(needs: Needs): Promise<boolean> {
    if (!needs.projection && !this.config.projector) return true;
    return this.projection.complete();
  }

  private async storeHealth(): Promise<StoreHealth> {
    return this.redis ? redisHealth(this.redis) : { up: true };
  }
}

function reasons(
  events: string | undefined,
  store: string | undefined,
  shedder: LoadShedder | undefined,
) {
  const why: Record<string, string> = {};
  if (events) why.events = events;
  if (store) why.store = store;
  if (shedder) why.load = `event loop lag ${Math.round(shedder.lagMs)} ms: shedding new requests`;
  return Object.keys(why).length ? { reasons: why } : {};
}
