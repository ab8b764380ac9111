import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { REVOCATION_STORE, RevocationStore } from '@app/store';
import { KeyRing } from '@app/tokens';

/**
 * Rotation is a deployment: a new key is added to KEYS_FILE after the signing one (published,
 * not yet signing), later moved first (signing), and the old one removed once its tokens have
 * expired. When an issuance replica starts with a key nobody announced yet, it records
 * `key.rotated` on the log and puts a notice on the stream replicas follow, so verifiers fetch
 * the new key set at once instead of on their next unknown `kid`.
 */
@Injectable()
export class KeyAnnouncer implements OnApplicationBootstrap {
  private readonly log = new Logger(KeyAnnouncer.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: KeyRing,
    @Inject(REVOCATION_STORE) private readonly store: RevocationStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.announceNewKeys();
    } catch (e) {
      // Verifiers still find a new key on their next unknown `kid`: start anyway.
      this.log.warn(`could not announce signing keys: ${(e as Error).message}`);
    }
  }

  async announceNewKeys(): Promise<string[]> {
    const announced: string[] = [];
    for (const { kid, alg } of this.keys.publicJwks().keys) {
      if (!kid || !alg || (await this.store.keyAnnounced(kid))) continue;
      await this.bus.publish(
        this.events.create('key.rotated', kid, kid, {
          kid,
          alg,
          jwks_uri: this.config.endpoints.jwks,
        }),
      );
      await this.store.announceKey({ kid, alg });
      announced.push(kid);
    }
    if (announced.length > 0) this.log.log(`announced signing keys ${announced.join(', ')}`);
    return announced;
  }
}
