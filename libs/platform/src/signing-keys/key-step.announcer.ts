import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory, KeyRotationStep } from '@app/events';
import { REVOCATION_STORE, RevocationStore, SIGNING_KEY_STORE, SigningKeyStore } from '@app/store';
import type { ScheduledKey } from '@app/tokens';

/** Long enough to publish one event and write one notice; a crashed holder's lease lapses. */
const LEASE_MS = 15_000;

/**
 * Announces one step of one key, once across every replica: claimed in the signing-key store,
 * `key.rotated` v2 acknowledged by the log, then a notice on the revocation stream, which every
 * resource-server replica follows (they refetch the JWKS at once, libs/resource-server). A step
 * whose event could not be written is released: the next replica to look claims it again.
 */
@Injectable()
export class KeyStepAnnouncer {
  private readonly log = new Logger(KeyStepAnnouncer.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SIGNING_KEY_STORE) private readonly keys: SigningKeyStore,
    @Inject(REVOCATION_STORE) private readonly notices: RevocationStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  /** True when this call announced it; false when another replica has (or is doing so). */
  async announce(key: ScheduledKey, step: KeyRotationStep): Promise<boolean> {
    if (!(await this.keys.claimStep(key.kid, step, LEASE_MS))) return false;
    try {
      await this.bus.publish(
        this.events.create('key.rotated', key.kid, key.kid, {
          kid: key.kid,
          alg: key.alg,
          jwks_uri: this.config.endpoints.jwks,
          step,
          ...(key.activateAt === undefined ? {} : { activate_at: key.activateAt }),
          ...(key.retireAt === undefined ? {} : { retire_at: key.retireAt }),
          ...(key.removeAt === undefined ? {} : { remove_at: key.removeAt }),
        }),
      );
      await this.notices.announceKey({ kid: key.kid, alg: key.alg, step });
      await this.keys.completeStep(key.kid, step);
    } catch (e) {
      await this.keys.releaseStep(key.kid, step).catch(() => undefined);
      throw e;
    }
    this.log.log(`signing key ${key.kid} (${key.alg}) ${step}`);
    return true;
  }
}
