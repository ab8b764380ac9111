import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, REFRESH_TOKEN } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { LifecycleProjection } from '@app/projection';
import { ClientRegistry } from '@app/registry';

/**
 * Why the platform revokes a grant (the `reason` of `grant.revoked`): an authorization code
 * presented twice (RFC 6749 §4.1.2), a retired refresh token presented again (RFC 9700
 * §4.14.2), a refresh token revoked by its client (RFC 7009 §2.1).
 */
export type GrantRevocationReason = 'code_replay' | 'refresh_token_reuse' | 'refresh_token_revoked';

/** Seconds a revocation outlives the tokens it covers: replicas' clocks and racing requests. */
const RACE_MARGIN_SECONDS = 60;

/**
 * Revokes every token of a grant at once (DESIGN "Revocation that is felt at once"): the
 * `grant.revoked` event is acknowledged by the log first, then the projection applies it: the
 * revocation store (whose stream every replica's mirror follows: access tokens, JWT and opaque),
 * the grant's refresh-token family and the grant record.
 */
@Injectable()
export class GrantRevoker {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ClientRegistry,
    private readonly projection: LifecycleProjection,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  async revoke(clientId: string, grantId: string, reason: GrantRevocationReason): Promise<void> {
    // Every access token of the grant lives at most maxTokenTtl (the longest lifetime of any
    // resource's token and of the /userinfo token) and was issued before now, or a moment later
    // by a redemption racing this one on another replica (whose clock may differ): the
    // revocation is kept until the last one it can cover has expired, with that margin.
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.config.maxTokenTtl + RACE_MARGIN_SECONDS;
    // The grant's refresh tokens live at most refresh_token_ttl from its creation, before now:
    // the refresh path keeps the revocation that long (mirrors only until `exp`).
    const client = this.registry.client(clientId);
    const refreshExp = client?.grantTypes.includes(REFRESH_TOKEN)
      ? now + client.refreshToken.ttl + RACE_MARGIN_SECONDS
      : undefined;
    const event = this.events.create('grant.revoked', grantId, grantId, {
      grant_id: grantId,
      client_id: clientId,
      exp,
      ...(refreshExp === undefined ? {} : { refresh_exp: refreshExp }),
      reason,
    });
    await this.bus.publish(event);
    await this.projection.applyOrDefer(event);
  }
}
