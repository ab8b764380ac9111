import Redis from 'ioredis';
import {
  connectRedis,
  openFeedRedis,
  openRedis,
  RedisAuthFailureThrottle,
  RedisExchangeChainStore,
  RedisRequestRateLimiter,
  RedisProjectionMarker,
  RedisReplayStore,
  RedisRevocationFeed,
  RedisRevocationStore,
  RedisTokenStore,
} from '@app/store';
import { freePort } from '../support/free-port';
import { redisUrlForDb } from '../support/int-redis';
import { describeRequestRateContract } from './request-rate.contract';
import { describeStoreContract } from './store.contract';
import { describeExchangeChainContract } from './exchange-chain.contract';

/** A database of its own for the projection contract: it flushes it and deletes the marker. */
const PROJECTION_DB = 10;

let redis: Redis;
let projectionRedis: Redis;
let feed: RedisRevocationFeed;

beforeAll(async () => {
  redis = await openRedis(process.env.REDIS_URL!, 'contract-spec');
  const url = redisUrlForDb(PROJECTION_DB);
  projectionRedis = await openRedis(url, 'contract-spec-projection');
  feed = new RedisRevocationFeed(await openFeedRedis(url, 'contract-spec-feed', 5_000));
});
afterAll(async () => {
  await feed.close();
  await projectionRedis.quit();
  await redis.quit();
});

describeStoreContract('Redis', () => ({
  tokens: () => new RedisTokenStore(redis),
  revocations: () => new RedisRevocationStore(redis, 3_600_000),
  replays: () => new RedisReplayStore(redis),
  throttle: (limits) => new RedisAuthFailureThrottle(redis, limits),
  projection: async () => {
    await projectionRedis.flushdb();
    return {
      revocations: new RedisRevocationStore(projectionRedis, 3_600_000),
      feed,
      marker: new RedisProjectionMarker(projectionRedis),
    };
  },
}));

describeRequestRateContract('Redis', () => new RedisRequestRateLimiter(redis));

describeExchangeChainContract('Redis', () => new RedisExchangeChainStore(redis));

describe('Redis auth-failure throttle while Redis is unreachable', () => {
  let down: Redis;
  beforeAll(async () => {
    // Nothing listens there: the connection never becomes ready.
    down = connectRedis(`redis://127.0.0.1:${await freePort()}`, 'contract-spec-down');
    down.connect().catch(() => undefined);
  });
  afterAll(() => down.disconnect());

  it('keeps throttling in this process instead of failing every authentication', async () => {
    const sut = new RedisAuthFailureThrottle(down, {
      failuresPerClient: 2,
      failuresPerAddress: 100,
      windowSeconds: 60,
    });
    const attempt = { clientId: `down-${process.pid}-${Date.now()}`, address: '192.0.2.1' };
    await expect(sut.retryAfter(attempt)).resolves.toBe(0);
    await sut.recordFailure(attempt);
    await sut.recordFailure(attempt);
    await expect(sut.retryAfter(attempt)).resolves.toBeGreaterThan(0);
  });
});
