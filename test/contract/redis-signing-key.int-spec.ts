import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { openRedis, RedisKeys, RedisSigningKeyStore, SigningKeySealer } from '@app/store';
import { redisUrlForDb } from '../support/int-redis';
import { describeSigningKeyStoreContract, storedKey } from './signing-key.contract';

/** A database of its own: each test starts from an empty key ring (it flushes it). */
const SIGNING_KEYS_DB = 14;

let redis: Redis;
beforeAll(async () => {
  redis = await openRedis(redisUrlForDb(SIGNING_KEYS_DB), 'signing-key-contract-spec');
});
afterAll(async () => {
  await redis.quit();
});

const kek = randomBytes(32);

describeSigningKeyStoreContract('Redis', async () => {
  await redis.flushdb();
  return new RedisSigningKeyStore(redis, new SigningKeySealer(kek));
});

describe('Redis signing keys at rest', () => {
  beforeEach(async () => {
    await redis.flushdb();
  });

  it('holds the private JWK sealed under KEYS_KEK only', async () => {
    const key = storedKey();
    await new RedisSigningKeyStore(redis, new SigningKeySealer(kek)).add(key);
    const raw = await redis.hget(RedisKeys.signingKeys(), key.kid);
    expect(raw).not.toBeNull();
    expect(raw).not.toContain('secret-d');
    expect(JSON.parse(JSON.parse(raw!).key)).toMatchObject({ enc: 'A256GCM' });
    // Another replica with another KEK cannot use it, and says why.
    await expect(
      new RedisSigningKeyStore(redis, new SigningKeySealer(randomBytes(32))).list(),
    ).rejects.toThrow(`signing key ${key.kid} does not open with this KEYS_KEK`);
  });

  it('remembers a completed step, and expires a step marker', async () => {
    const sut = new RedisSigningKeyStore(redis);
    await sut.claimStep('k', 'activated', 60_000);
    await sut.completeStep('k', 'activated');
    const ttl = await redis.pttl(RedisKeys.signingKeyStep('k', 'activated'));
    expect(ttl).toBeGreaterThan(300 * 86_400_000);
  });
});
