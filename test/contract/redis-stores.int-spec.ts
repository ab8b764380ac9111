import Redis from 'ioredis';
import {
  openFeedRedis,
  openRedis,
  RedisProjectionMarker,
  RedisReplayStore,
  RedisRevocationFeed,
  RedisRevocationStore,
  RedisTokenStore,
} from '@app/store';
import { redisUrlForDb } from '../support/int-redis';
import { describeStoreContract } from './store.contract';

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
  projection: async () => {
    await projectionRedis.flushdb();
    return {
      revocations: new RedisRevocationStore(projectionRedis, 3_600_000),
      feed,
      marker: new RedisProjectionMarker(projectionRedis),
    };
  },
}));
