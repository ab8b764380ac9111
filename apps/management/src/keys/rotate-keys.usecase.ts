import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, SigningAlg } from '@app/config';
import { InvalidRequest } from '@app/oauth';
import { KeyRingSync, KeyStepAnnouncer } from '@app/platform';
import { SIGNING_KEY_STORE, SigningKeyStore, StoredSigningKey } from '@app/store';
import { generateSigningJwk, KeyRing } from '@app/tokens';
import { rotationAlgs } from './rotate-keys.body';
import { SigningKeyView, signingKeyView } from './signing-key.view';

export interface RotationAnswer {
  readonly keys: readonly SigningKeyView[];
}

/**
 * `POST /admin/keys/rotate`: for each algorithm, a new key in the signing-key store, published
 * in the JWKS at once and signing `KEY_PREPUBLICATION_SECONDS` later (when the key it replaces
 * retires). The answer waits for `key.rotated` (`published`) to be acknowledged by the log; a
 * key whose event could not be written is taken back, so nothing is half done (503).
 */
@Injectable()
export class RotateKeysUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ring: KeyRing,
    @Inject(SIGNING_KEY_STORE) private readonly store: SigningKeyStore,
    private readonly sync: KeyRingSync,
    private readonly announcer: KeyStepAnnouncer,
  ) {}

  async execute(body: unknown): Promise<RotationAnswer> {
    const algs = rotationAlgs(body, this.ring.algorithms());
    this.refuseUnsealedInProduction();
    const made = await Promise.all(algs.map((alg) => this.newKey(alg)));
    const added: StoredSigningKey[] = [];
    try {
      for (const key of made) {
        if (!(await this.store.add(key))) throw new Error(`kid ${key.kid} is taken`);
        added.push(key);
      }
      // This replica serves it in its JWKS before anyone is told to fetch it.
      const schedule = await this.sync.sync();
      const scheduled = made.map((k) => {
        const key = schedule.keys.find((s) => s.kid === k.kid);
        if (!key) throw new Error(`the new key ${k.kid} is not in the ring`);
        return key;
      });
      for (const key of scheduled) await this.announcer.announce(key, 'published');
      return { keys: scheduled.map(signingKeyView) };
    } catch (e) {
      await this.takeBack(added);
      throw e;
    }
  }

  /** KEYS_KEK absent: private keys would sit in the store in the clear. */
  private refuseUnsealedInProduction(): void {
    if (this.config.production && !this.config.signingKeys.kek)
      throw new InvalidRequest(
        'runtime key rotation needs KEYS_KEK when NODE_ENV=production: private keys are never stored unencrypted',
      );
  }

  private async newKey(alg: SigningAlg): Promise<StoredSigningKey> {
    const privateJwk = await generateSigningJwk(alg);
    const createdAt = Date.now();
    const activateAt = createdAt + this.config.signingKeys.prepublicationSeconds * 1000;
    return { kid: privateJwk.kid, alg, privateJwk, createdAt, activateAt };
  }

  private async takeBack(keys: readonly StoredSigningKey[]): Promise<void> {
    if (keys.length === 0) return;
    await Promise.all(keys.map((k) => this.store.delete(k.kid))).catch(() => undefined);
    await this.sync.sync().catch(() => undefined);
  }
}
