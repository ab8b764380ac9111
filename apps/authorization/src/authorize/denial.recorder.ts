import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  DENIAL_ERRORS,
  DENIAL_REASONS,
  DenialError,
  DenialReason,
  EVENT_BUS,
  EVENT_FACTORY,
  EventBus,
  EventFactory,
} from '@app/events';
import { FrontChannelAnswer, SetCookie } from '../front-channel/front-channel-answer';
import { authorizationError, RedirectTarget } from './authorization-response';

const DESCRIPTIONS: Readonly<Record<DenialReason, string>> = {
  login_rejected: 'the user was not signed in',
  consent_denied: 'the user did not consent',
  login_required: 'the user must sign in, which prompt=none does not allow',
  consent_required: 'the user must consent, which prompt=none does not allow',
};

export interface Denial {
  readonly reason: DenialReason;
  /** The login app's choice among DENIAL_ERRORS; anything else gives the reason's own error. */
  readonly error?: string;
  /** The login app's text for the client; never put on the event. */
  readonly description?: string;
  readonly sub?: string;
  readonly sid?: string;
}

/**
 * Sends a refused sign-in to the client's redirect URI (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6)
 * once its `authorization.denied` event is acknowledged: auditors see every refusal.
 */
@Injectable()
export class DenialRecorder {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  async deny(
    target: RedirectTarget,
    clientId: string,
    denial: Denial,
    cookies?: readonly SetCookie[],
  ): Promise<FrontChannelAnswer> {
    const error = chosenError(denial.error) ?? DENIAL_REASONS[denial.reason];
    await this.bus.publish(
      this.events.create('authorization.denied', clientId, clientId, {
        client_id: clientId,
        reason: denial.reason,
        error,
        ...(denial.sub === undefined ? {} : { sub: denial.sub }),
        ...(denial.sid === undefined ? {} : { sid: denial.sid }),
      }),
    );
    const description = denial.description ?? DESCRIPTIONS[denial.reason];
    return authorizationError(target, this.config.issuer, { error, description }, cookies);
  }
}

function chosenError(error: string | undefined): DenialError | undefined {
  return DENIAL_ERRORS.find((e) => e === error);
}
