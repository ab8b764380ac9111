import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { REVOCATION_STORE, RevocationStore, StoreUnavailable } from '@app/store';

/** Why issuance revokes a grant on its own (the `reason` of `grant.revoked`). */
export type GrantRevocationReason = 'code_replay';

/** Seconds a revocation outlives the tokens it covers: replicas' clocks and racing requests. */
const RACE_MARGIN_SECONDS = 60;

/**
 * Revokes every token of a grant at once (DESIGN "Revocation that is felt at once"): the
 * `grant.revoked` event is acknowledged by the log first, then the revocation store is written,
 * which puts it on the stream every replica's mirror follows.
 */
@Injectable()
export class GrantRevoker {
  private readonly log = new Logger(GrantRevoker.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  async revoke(clientId: string, grantId: string, reason: GrantRevocationReason): Promise<void> {
    // Every access token of the grant lives at most maxTokenTtl (the longest lifetime of any
    // resource's token and of the /userinfo token) and was issued before now, or a moment later
    // by a redemption racing this one on another replica (whose clock may differ): the
    // revocation is kept until the last one it can cover has expired, with that margin.
    const exp = Math.floor(Date.now() / 1000) + this.config.maxTokenTtl + RACE_MARGIN_SECONDS;
    const event = this.events.create('grant.revoked', grantId, grantId, {
      grant_id: grantId,
      client_id: clientId,
      exp,
      reason,
    });
    await this.bus.publish(event);
    await this.apply(clientId, grantId, exp);
  }

  /**
   * Once the event is acknowledged the revocation is certain: the projector applies it from the
   * log. A store outage here is logged, not raised (as RevokeTokenUseCase does); replicas that
   * cannot follow the store meanwhile refuse tokens per their failure policy.
   */
  private async apply(clientId: string, grantId: string, exp: number): Promise<void> {
    try {
      await this.revocations.revoke({ kind: 'grant', clientId, grantId, expiresAt: exp * 1000 });
    } catch (e) {
      if (!(e instanceof StoreUnavailable)) throw e;
      this.log.warn(`revocation of grant ${grantId} is on the log; the projector will apply it`);
    }
  }
}
