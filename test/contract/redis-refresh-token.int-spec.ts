import Redis from 'ioredis';
import { openRedis, RedisKeys, RedisRefreshTokenStore } from '@app/store';
import { redisUrlForDb } from '../support/int-redis';
import { unique } from './flow/flow-fixtures';
import { describeRefreshTokenContract } from './refresh-token.contract';

/** A database of its own (no other spec selects 5): the suite never flushes it. */
const REFRESH_DB = 5;

let redis: Redis;
beforeAll(async () => {
  redis = await openRedis(redisUrlForDb(REFRESH_DB), 'refresh-contract-spec');
});
afterAll(async () => {
  await redis.quit();
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describeRefreshTokenContract('Redis', () => new RedisRefreshTokenStore(redis), sleep);

describe('Redis refresh-token keys', () => {
  it('all expire at the family absolute deadline, after rotations and revocation too', async () => {
    const now = Date.now();
    const absolute = now + 60_000;
    const record = { grantId: unique('grant'), clientId: 'c', subject: 's', scopes: ['a'] };
    const sut = new RedisRefreshTokenStore(redis);
    const [first, second] = [unique('rt'), unique('rt')];
    await sut.issue(
      record,
      first,
      { absoluteExpiresAt: absolute, idleExpiresAt: now + 10_000 },
      now,
    );
    await sut.rotate(first, { digest: second, idleExpiresAt: now + 20_000 }, now + 1, 0);
    await sut.revokeFamily(record.grantId, now + 3_600_000);
    for (const key of [
      RedisKeys.refreshFamily(record.grantId),
      RedisKeys.refreshToken(first),
      RedisKeys.refreshToken(second),
    ])
      await expect(redis.call('PEXPIRETIME', key)).resolves.toBe(absolute);
  });
});
