import Redis from 'ioredis';
import { openRedis, RedisReplayStore, RedisRevocationStore, RedisTokenStore } from '@app/store';
import { describeStoreContract } from './store.contract';

let redis: Redis;

beforeAll(async () => {
  redis = await openRedis(process.env.REDIS_URL!, 'contract-spec');
});
afterAll(() => redis.quit());

describeStoreContract('Redis', () => ({
  tokens: () => new RedisTokenStore(redis),
  revocations: () => new RedisRevocationStore(redis, 3_600_000),
  replays: () => new RedisReplayStore(redis),
}));
