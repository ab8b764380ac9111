import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_FACTORY, EventFactory, LifecycleEvent } from '@app/events';
import { clientRevocationExp } from './revocation-lifetime';
import { RevocationRecorder } from './revocation.recorder';

/** Why every token of a client is revoked: an admin's call, or the client's deletion. */
export type ClientRevocationReason = 'admin' | 'client_deleted';

export interface ClientTokensRevoked {
  /** Milliseconds since the epoch: tokens issued up to then are refused. */
  readonly revokedAt: number;
  /** Seconds since the epoch: until when the revocation is kept. */
  readonly exp: number;
}

/**
 * Every token of a client refused at once (`client.tokens_revoked`): a leaked secret (the admin
 * API's bulk revocation) or a deleted client (the registry's writer). Acknowledged by the log,
 * then applied by the projection (RevocationRecorder).
 */
@Injectable()
export class ClientTokensRevoker {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
    private readonly recorder: RevocationRecorder,
  ) {}

  /** The event, for callers that publish it beside others (`revokedAt`: ms, may be ahead). */
  event(
    clientId: string,
    reason: ClientRevocationReason,
    revokedAt = Date.now(),
  ): LifecycleEvent<'client.tokens_revoked'> {
    return this.events.create('client.tokens_revoked', clientId, clientId, {
      client_id: clientId,
      revoked_at: revokedAt,
      exp: clientRevocationExp(this.config, Date.now()),
      reason,
    });
  }

  async revoke(clientId: string, reason: ClientRevocationReason): Promise<ClientTokensRevoked> {
    const event = this.event(clientId, reason);
    await this.recorder.record([event]);
    return { revokedAt: event.data.revoked_at, exp: event.data.exp };
  }
}
