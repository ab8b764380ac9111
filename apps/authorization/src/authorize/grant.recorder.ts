import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { grantCreatedData, grantRecordOf, LifecycleProjection } from '@app/projection';
import {
  ConsentAcceptance,
  GrantRecord,
  InteractionChallenge,
  PendingAuthorizationRequest,
} from '@app/store';
import { randomId } from '@app/tokens';

/**
 * Creates the grant a consent gives (DESIGN "The grant is the unit of the lifecycle"): what the
 * subject consented to for the client, with how they authenticated and the claims released.
 * Only what was requested can be granted, whatever the login app answered. `grant.created` is
 * acknowledged before the projection stores the grant (with the claims the consent released,
 * which no event carries) and long before any code is sent; the projector stores the same grant
 * from the log when it is lost.
 */
@Injectable()
export class GrantRecorder {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly projection: LifecycleProjection,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  async record(
    challenge: InteractionChallenge,
    request: PendingAuthorizationRequest,
    consent: ConsentAcceptance,
  ): Promise<GrantRecord> {
    const grantId = randomId(16);
    const event = this.events.create(
      'grant.created',
      grantId,
      grantId,
      grantCreatedData(
        {
          grantId,
          subject: challenge.subject!,
          clientId: request.clientId,
          scopes: request.scopes.filter((s) => consent.scopes.includes(s)),
          resources: request.resources.filter((r) => consent.resources.includes(r)),
          authTime: challenge.authTime!,
          ...(challenge.acr === undefined ? {} : { acr: challenge.acr }),
          amr: challenge.amr ?? [],
        },
        challenge.sid,
      ),
    );
    // Created when its event was: a replay of the log gives the record the same createdAt.
    const createdAt = Date.parse(event.time);
    const known = {
      consent: {
        idTokenClaims: consent.idTokenClaims,
        userinfoClaims: consent.userinfoClaims,
        ...(consent.remember
          ? { rememberedUntil: createdAt + this.rememberFor(consent) * 1000 }
          : {}),
      },
    };
    await this.bus.publish(event);
    await this.projection.apply(event, known);
    return grantRecordOf(event, known.consent);
  }

  /** Seconds; never past the grant's own life (SESSION_MAX_TTL_SECONDS), 0 meaning that cap. */
  private rememberFor(consent: ConsentAcceptance): number {
    const cap = this.config.signIn.sessionMaxTtl;
    return consent.rememberFor > 0 ? Math.min(consent.rememberFor, cap) : cap;
  }
}
