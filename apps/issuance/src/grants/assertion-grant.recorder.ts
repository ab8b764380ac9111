import { Inject, Injectable } from '@nestjs/common';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { grantCreatedData, LifecycleProjection } from '@app/projection';
import { randomId } from '@app/tokens';

/**
 * What a trusted external issuer's token grants (a JWT-bearer assertion, or an exchanged
 * subject token): a subject's access for a client, as a consent would.
 */
export interface AssertionGrant {
  readonly subject: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  /** Seconds: when the subject authenticated at the external issuer, as far as it says. */
  readonly authTime: number;
}

/**
 * Creates the grant a JWT-bearer assertion gives (RFC 7523 §2.1), or the one a token exchange
 * opens for an external subject token (RFC 8693; DESIGN "The grant is the unit of the
 * lifecycle"): a grant like one a consent creates, so its tokens carry its `grant_id` and are
 * revoked with it (admin API, subject revocation). `grant.created` is acknowledged by the log
 * before the projection stores the grant record, and before any token of it exists.
 */
@Injectable()
export class AssertionGrantRecorder {
  constructor(
    private readonly projection: LifecycleProjection,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  /**
   * The grant's id: a new one, or `grantId` when the grant is keyed to what it came from (an
   * exchange's `xg_…`, opened by the first exchange of an external subject token).
   */
  async record(grant: AssertionGrant, grantId: string = randomId(16)): Promise<string> {
    const event = this.events.create(
      'grant.created',
      grantId,
      grantId,
      grantCreatedData({ grantId, ...grant, amr: [] }, undefined),
    );
    await this.bus.publish(event);
    await this.projection.apply(event);
    return grantId;
  }
}
