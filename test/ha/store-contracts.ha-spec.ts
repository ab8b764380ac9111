import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import {
  openFeedRedis,
  RedisAuthFailureThrottle,
  RedisRequestRateLimiter,
  RedisAuthorizationCodeStore,
  RedisAuthorizationRequestStore,
  RedisBrowserSessionStore,
  RedisExchangeChainStore,
  RedisGrantStore,
  RedisInitialAccessTokenStore,
  RedisInteractionChallengeStore,
  RedisKeys,
  RedisProjectionMarker,
  RedisRefreshTokenStore,
  RedisReplayStore,
  RedisRevocationFeed,
  RedisRevocationStore,
  RedisSigningKeyStore,
  RedisTokenStore,
  Revocation,
  SigningKeySealer,
} from '@app/store';
import { describeDpopReplayContract } from '../contract/dpop-replay.contract';
import {
  describeFlowStoreContract,
  TEST_TOMBSTONE_MARGIN_MS,
} from '../contract/flow/flow-store.contract';
import { describeLifecycleProjectionContract } from '../contract/lifecycle-projection.contract';
import { describeRefreshTokenContract } from '../contract/refresh-token.contract';
import { describeRequestRateContract } from '../contract/request-rate.contract';
import { describeStoreContract } from '../contract/store.contract';
import { describeExchangeChainContract } from '../contract/exchange-chain.contract';
import { describeInitialAccessTokenContract } from '../contract/initial-access-token.contract';
import { describeSigningKeyStoreContract } from '../contract/signing-key.contract';
import { clusterConfig, flushCluster, openClusterClient } from '../support/ha-redis';

/**
 * Every store contract on a real Redis Cluster (three primaries): the adapters' commands,
 * scripts and pipelines only pass here if each keeps its keys in one hash slot (a CROSSSLOT
 * error otherwise) and the Cluster client routes every key to its slot's primary.
 */
let redis: Cluster;
let other: Cluster;
let feed: RedisRevocationFeed;

beforeAll(async () => {
  redis = await openClusterClient('ha-contract-spec');
  other = await openClusterClient('ha-contract-spec-b');
  feed = new RedisRevocationFeed(
    await openFeedRedis(clusterConfig(), 'ha-contract-spec-feed', 5_000),
  );
});
afterAll(async () => {
  await feed.close();
  await Promise.all([redis.quit(), other.quit()]);
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describeStoreContract('Redis Cluster', () => ({
  tokens: () => new RedisTokenStore(redis),
  revocations: () => new RedisRevocationStore(redis, 3_600_000),
  replays: () => new RedisReplayStore(redis),
  throttle: (limits) => new RedisAuthFailureThrottle(redis, limits),
  // A cluster has one database: "a store of its own" is the whole cluster, emptied.
  projection: async () => {
    await flushCluster(redis);
    return {
      revocations: new RedisRevocationStore(redis, 3_600_000),
      feed,
      marker: new RedisProjectionMarker(redis),
    };
  },
}));

describeRequestRateContract('Redis Cluster', () => new RedisRequestRateLimiter(redis));

describeRefreshTokenContract('Redis Cluster', () => new RedisRefreshTokenStore(redis), sleep);

describeFlowStoreContract('Redis Cluster', () => ({
  requests: () => new RedisAuthorizationRequestStore(redis),
  challenges: () => new RedisInteractionChallengeStore(redis),
  sessions: () => new RedisBrowserSessionStore(redis),
  codes: () => new RedisAuthorizationCodeStore(redis, TEST_TOMBSTONE_MARGIN_MS),
  grants: () => new RedisGrantStore(redis),
  elapse: sleep,
}));

describeLifecycleProjectionContract('Redis Cluster', () => ({
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

describeExchangeChainContract('Redis Cluster', () => new RedisExchangeChainStore(redis));

// Each test starts from an empty key ring: the whole cluster, emptied (its one database).
describeSigningKeyStoreContract('Redis Cluster', async () => {
  await flushCluster(redis);
  return new RedisSigningKeyStore(redis, new SigningKeySealer(randomBytes(32)));
});

describeInitialAccessTokenContract('Redis Cluster', () => new RedisInitialAccessTokenStore(redis));

// Two replicas, two Cluster clients: a proof seen through one is refused through the other.
describeDpopReplayContract(
  'Redis Cluster',
  () => [new RedisReplayStore(redis), new RedisReplayStore(other)],
  sleep,
);

describe('Redis Cluster key layout', () => {
  it('is a cluster that refuses a command across slots (what the contracts above would hit)', async () => {
    const [a, b] = [RedisKeys.opaqueToken('a'), RedisKeys.grant('g')];
    const [slotA, slotB] = await Promise.all([a, b].map((k) => redis.cluster('KEYSLOT', k)));
    expect(slotA).not.toBe(slotB);
    await expect(redis.mget(a, b)).rejects.toThrow(/CROSSSLOT|same slot/);
    await expect(redis.eval("return redis.call('GET', KEYS[2])", 2, a, b)).rejects.toThrow(
      /CROSSSLOT|same slot/,
    );
  });

  it('spreads the stores over every primary (the keys are not all in one slot)', async () => {
    const keys = [
      RedisKeys.opaqueToken('a'),
      RedisKeys.opaqueToken('b'),
      RedisKeys.grant('g1'),
      RedisKeys.refreshFamily('g2'),
      RedisKeys.revokedToken('client-1', 'j'),
      RedisKeys.revokedToken('client-2', 'j'),
      RedisKeys.revokedSubject('alice'),
      RedisKeys.browserSession('s'),
    ];
    const slots = await Promise.all(keys.map((k) => redis.cluster('KEYSLOT', k)));
    const owners = new Set(slots.map((slot) => shardOf(redis, slot)));
    expect(owners.size).toBeGreaterThan(1);
  });

  it('keeps the projection marker in the revocation stream slot (the feed reads both at once)', async () => {
    const [stream, marker] = await Promise.all([
      redis.cluster('KEYSLOT', RedisKeys.revocationStream()),
      redis.cluster('KEYSLOT', RedisKeys.projectionMarker()),
    ]);
    expect(marker).toBe(stream);
  });

  it("keeps a client's revocation keys in one slot (one MGET per token)", async () => {
    const slots = await Promise.all(
      [
        RedisKeys.revokedToken('orders', 'jti'),
        RedisKeys.revokedGrant('orders', 'grant'),
        RedisKeys.revokedClient('orders'),
      ].map((k) => redis.cluster('KEYSLOT', k)),
    );
    expect(new Set(slots).size).toBe(1);
  });
});

/** The primary that serves `slot`, from the client's slot map. */
function shardOf(cluster: Cluster, slot: number): string | undefined {
  return cluster.slots[slot]?.[0];
}
