import { Inject, Injectable } from '@nestjs/common';
import { AnyLifecycleEvent, EVENT_BUS, EventBus } from '@app/events';
import { LifecycleProjection } from './lifecycle.projection';

/**
 * The write order of every admin revocation (DESIGN "Write order"): its events acknowledged by
 * the log first (all at once: the bus batches them), then each applied by the one projection:
 * the revocation store, which puts each new entry on the stream every replica's mirror follows,
 * and for `grant.revoked` the refresh-token family and the grant record (no longer listed, and
 * the refresh path finds no grant). Once acknowledged the revocations are certain: a store
 * outage is logged, and the projector applies the events from the log.
 */
@Injectable()
export class RevocationRecorder {
  constructor(
    private readonly projection: LifecycleProjection,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  async record(events: readonly AnyLifecycleEvent[]): Promise<void> {
    await Promise.all(events.map((e) => this.bus.publish(e)));
    await Promise.all(events.map((e) => this.projection.applyOrDefer(e)));
  }
}
