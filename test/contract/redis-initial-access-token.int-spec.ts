import Redis from 'ioredis';
import { openRedis, RedisInitialAccessTokenStore, RedisKeys } from '@app/store';
import { platformKeys, redisUrlForDb } from '../support/int-redis';
import { describeInitialAccessTokenContract } from './initial-access-token.contract';

/** Keys are random digests: a database shared with nothing that flushes. */
const IAT_DB = 14;

let redis: Redis;
beforeAll(async () => {
  redis = await openRedis(redisUrlForDb(IAT_DB), 'initial-access-token-contract-spec');
});
afterAll(async () => {
  await redis.quit();
});

describeInitialAccessTokenContract('Redis', () => new RedisInitialAccessTokenStore(redis));

describe('Redis initial access token keys', () => {
  it('expire at the token deadline, after a spend and a refund too', async () => {
    const digest = `d-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const expiresAt = Date.now() + 60_000;
    const sut = new RedisInitialAccessTokenStore(redis);
    await sut.issue(digest, { issuedBy: 'admin', uses: 2, issuedAt: Date.now(), expiresAt });
    await sut.spend(digest);
    await sut.refund(digest);
    const key = RedisKeys.initialAccessToken(digest);
    await expect(redis.call('PEXPIRETIME', key)).resolves.toBe(expiresAt);
    await expect(platformKeys(redis, `tl:iat:*`)).resolves.toContain(key);
  });
});
