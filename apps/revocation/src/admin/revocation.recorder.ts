import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_BUS, EventBus, LifecycleEvent } from '@app/events';
import {
  GRANT_STORE,
  GrantStore,
  REVOCATION_STORE,
  Revocation,
  RevocationStore,
  StoreUnavailable,
} from '@app/store';

/** What one admin call records: its events, the revocation entries, the grants it ends. */
export interface RevocationPlan {
  readonly events: readonly LifecycleEvent[];
  readonly revocations: readonly Revocation[];
  /** Grants whose records go: no longer listed, and the refresh path finds no grant. */
  readonly endedGrants: readonly string[];
}

/**
 * The write order of every admin revocation (DESIGN "Write order"): its events acknowledged by
 * the log first (all at once: the bus batches them), then the revocation store, which puts each
 * entry on the stream every replica's mirror follows, then the ended grants' records.
 */
@Injectable()
export class RevocationRecorder {
  private readonly log = new Logger(RevocationRecorder.name);

  constructor(
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  async record(plan: RevocationPlan): Promise<void> {
    await Promise.all(plan.events.map((e) => this.bus.publish(e)));
    await Promise.all(plan.revocations.map((r) => this.apply(r)));
    await Promise.all(plan.endedGrants.map((id) => this.end(id)));
  }

  /**
   * Once the events are acknowledged the revocations are certain: the projector applies them
   * from the log. A store outage is therefore logged, not raised (as RevokeTokenUseCase does);
   * replicas that cannot follow the store meanwhile refuse tokens per their failure policy.
   */
  private async apply(r: Revocation): Promise<void> {
    try {
      await this.revocations.revoke(r);
    } catch (e) {
      if (!(e instanceof StoreUnavailable)) throw e;
      this.log.warn(`a ${r.kind} revocation is on the log; the projector will apply it`);
    }
  }

  /**
   * Its tokens are already refused; a record left behind by an outage shows in the subject's
   * list until it expires, and its refresh tokens meet the grant revocation.
   */
  private async end(grantId: string): Promise<void> {
    try {
      await this.grants.delete(grantId);
    } catch (e) {
      if (!(e instanceof StoreUnavailable)) throw e;
      this.log.warn(`grant ${grantId} is revoked; its record could not be deleted`);
    }
  }
}
