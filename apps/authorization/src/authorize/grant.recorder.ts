import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import {
  ConsentAcceptance,
  GRANT_STORE,
  GrantRecord,
  GrantStore,
  InteractionChallenge,
  PendingAuthorizationRequest,
} from '@app/store';

/**
 * Creates the grant a consent gives (DESIGN "The grant is the unit of the lifecycle"): what the
 * subject consented to for the client, with how they authenticated and the claims released.
 * Only what was requested can be granted, whatever the login app answered. `grant.created` is
 * acknowledged before the grant is stored and long before any code is sent. The grant is kept
 * as long as a browser session may last (SESSION_MAX_TTL_SECONDS), so the refresh tokens of the
 * next stage can outlive the code.
 */
@Injectable()
export class GrantRecorder {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  async record(
    challenge: InteractionChallenge,
    request: PendingAuthorizationRequest,
    consent: ConsentAcceptance,
  ): Promise<GrantRecord> {
    const now = Date.now();
    const grant: GrantRecord = {
      grantId: randomBytes(16).toString('base64url'),
      subject: challenge.subject!,
      clientId: request.clientId,
      scopes: request.scopes.filter((s) => consent.scopes.includes(s)),
      resources: request.resources.filter((r) => consent.resources.includes(r)),
      authTime: challenge.authTime!,
      ...(challenge.acr === undefined ? {} : { acr: challenge.acr }),
      amr: challenge.amr ?? [],
      idTokenClaims: consent.idTokenClaims,
      userinfoClaims: consent.userinfoClaims,
      createdAt: now,
      lastUsedAt: now,
      ...(consent.remember ? { rememberedUntil: now + this.rememberFor(consent) * 1000 } : {}),
    };
    await this.bus.publish(
      this.events.create('grant.created', grant.grantId, grant.grantId, {
        grant_id: grant.grantId,
        sub: grant.subject,
        client_id: grant.clientId,
        scopes: grant.scopes,
        resources: grant.resources,
        ...(grant.acr === undefined ? {} : { acr: grant.acr }),
        amr: grant.amr,
        auth_time: grant.authTime,
        ...(challenge.sid === undefined ? {} : { sid: challenge.sid }),
      }),
    );
    await this.grants.save(grant, now + this.config.signIn.sessionMaxTtl * 1000);
    return grant;
  }

  /** Seconds; never past the grant's own life (SESSION_MAX_TTL_SECONDS), 0 meaning that cap. */
  private rememberFor(consent: ConsentAcceptance): number {
    const cap = this.config.signIn.sessionMaxTtl;
    return consent.rememberFor > 0 ? Math.min(consent.rememberFor, cap) : cap;
  }
}
