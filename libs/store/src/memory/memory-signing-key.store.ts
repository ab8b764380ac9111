import { SigningKeySealer } from '../signing-key.sealer';
import { KeyStep, SigningKeyStore, STEP_MEMORY_MS, StoredSigningKey } from '../signing-key.port';
import { byActivation } from '../signing-key.order';
import { ExpiringMap } from './expiring-map';

type Kept = Omit<StoredSigningKey, 'privateJwk'> & { readonly sealed: string };

/** One process's runtime keys, sealed as in Redis (the same contract suite holds both). */
export class MemorySigningKeyStore implements SigningKeyStore {
  private readonly keys = new Map<string, Kept>();
  private readonly steps = new ExpiringMap<'lease' | 'done'>();

  constructor(private readonly sealer = new SigningKeySealer()) {}

  async add({ privateJwk, ...key }: StoredSigningKey): Promise<boolean> {
    if (this.keys.has(key.kid)) return false;
    this.keys.set(key.kid, { ...{}, ...key, sealed: this.sealer.seal(privateJwk) });
    return true;
  }

  async list(): Promise<StoredSigningKey[]> {
    return [...this.keys.values()]
      .map(({ sealed, ...key }) => ({
        ...{},
        ...key,
        privateJwk: this.sealer.open(key.kid, key.alg, sealed),
      }))
      .sort(byActivation);
  }

  async delete(kid: string): Promise<void> {
    this.keys.delete(kid);
  }

  async claimStep(kid: string, step: KeyStep, leaseMs: number): Promise<boolean> {
    return this.steps.setIfAbsent(`${kid} ${step}`, 'lease', Date.now() + leaseMs);
  }

  async completeStep(kid: string, step: KeyStep): Promise<void> {
    this.steps.set(`${kid} ${step}`, 'done', Date.now() + STEP_MEMORY_MS);
  }

  async releaseStep(kid: string, step: KeyStep): Promise<void> {
    if (this.steps.get(`${kid} ${step}`) === 'lease') this.steps.take(`${kid} ${step}`);
  }

  /** What is kept for a key, as it is at rest (for specs: no private material in the clear). */
  atRest(kid: string): string | undefined {
    return this.keys.get(kid)?.sealed;
  }
}
