import Redis from 'ioredis';
import {
  openRedis,
  RedisExchangeChainStore,
  RedisGrantStore,
  RedisKeys,
  RedisRefreshTokenStore,
  RedisRevocationStore,
  RedisTokenStore,
  Revocation,
} from '@app/store';
import { redisUrlForDb } from '../support/int-redis';
import { describeLifecycleProjectionContract } from './lifecycle-projection.contract';

/** A database of its own (no other spec selects 3): the suite never flushes it. */
const PROJECTION_CONTRACT_DB = 3;

let redis: Redis;
beforeAll(async () => {
  redis = await openRedis(redisUrlForDb(PROJECTION_CONTRACT_DB), 'projection-contract-spec');
});
afterAll(async () => {
  await redis.quit();
});

describeLifecycleProjectionContract('Redis', () => ({
  tokens: new RedisTokenStore(redis),
  revocations: new RedisRevocationStore(redis, 3_600_000),
  refreshTokens: new RedisRefreshTokenStore(redis),
  grants: new RedisGrantStore(redis),
  chains: new RedisExchangeChainStore(redis),
  streamed: async () =>
    (await redis.xrange(RedisKeys.revocationStream(), '-', '+'))
      .filter(([, fields]) => fields[0] === 'revocation')
      .map(([, fields]) => JSON.parse(fields[1]!) as Revocation),
}));
