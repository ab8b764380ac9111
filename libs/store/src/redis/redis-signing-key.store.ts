import { RedisKeys } from '../keys';
import { SigningKeySealer } from '../signing-key.sealer';
import { KeyStep, SigningKeyStore, STEP_MEMORY_MS, StoredSigningKey } from '../signing-key.port';
import { byActivation } from '../signing-key.order';
import type { RedisClient } from './redis-client';
import { guarded } from './redis-guard';

/** The hash field of a key: its public facts and its private JWK as at rest (sealed). */
interface Field {
  readonly kid: string;
  readonly alg: string;
  readonly created_at: number;
  readonly activate_at: number;
  readonly key: string;
}

/** DEL only while the claim is still a lease: a completed step stays complete. */
const RELEASE = `if redis.call('GET', KEYS[1]) == 'lease' then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Runtime signing keys in one hash (a handful of fields: every replica reads them all at each
 * scheduled instant); each step's announcement claimed with SET NX, the lease becoming `done`.
 */
export class RedisSigningKeyStore implements SigningKeyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly sealer = new SigningKeySealer(),
  ) {}

  async add({ privateJwk, ...key }: StoredSigningKey): Promise<boolean> {
    const field: Field = {
      kid: key.kid,
      alg: key.alg,
      created_at: key.createdAt,
      activate_at: key.activateAt,
      key: this.sealer.seal(privateJwk),
    };
    const added = await guarded(
      this.redis.hsetnx(RedisKeys.signingKeys(), key.kid, JSON.stringify(field)),
    );
    return added === 1;
  }

  async list(): Promise<StoredSigningKey[]> {
    const fields = await guarded(this.redis.hgetall(RedisKeys.signingKeys()));
    return Object.values(fields)
      .map((raw) => {
        const f = JSON.parse(raw) as Field;
        return {
          kid: f.kid,
          alg: f.alg,
          createdAt: f.created_at,
          activateAt: f.activate_at,
          privateJwk: this.sealer.open(f.kid, f.alg, f.key),
        };
      })
      .sort(byActivation);
  }

  async delete(kid: string): Promise<void> {
    await guarded(this.redis.hdel(RedisKeys.signingKeys(), kid));
  }

  async claimStep(kid: string, step: KeyStep, leaseMs: number): Promise<boolean> {
    const key = RedisKeys.signingKeyStep(kid, step);
    return (await guarded(this.redis.set(key, 'lease', 'PX', leaseMs, 'NX'))) === 'OK';
  }

  async completeStep(kid: string, step: KeyStep): Promise<void> {
    await guarded(
      this.redis.set(RedisKeys.signingKeyStep(kid, step), 'done', 'PX', STEP_MEMORY_MS),
    );
  }

  async releaseStep(kid: string, step: KeyStep): Promise<void> {
    await guarded(this.redis.eval(RELEASE, 1, RedisKeys.signingKeyStep(kid, step)));
  }
}
