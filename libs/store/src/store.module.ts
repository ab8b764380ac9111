import { Global, Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { RedisClient } from './redis/redis-client';
import { APP_CONFIG, AppConfig } from '@app/config';
import { StoreMetrics } from '@app/metrics';
import { MemoryReplayStore } from './memory/memory-replay.store';
import { MemoryRevocationStore } from './memory/memory-revocation.store';
import { MemoryTokenStore } from './memory/memory-token.store';
import { openRedis } from './redis/redis-connection';
import { RedisReplayStore } from './redis/redis-replay.store';
import { RedisRevocationStore } from './redis/redis-revocation.store';
import { RedisTokenStore } from './redis/redis-token.store';
import {
  AUTH_FAILURE_THROTTLE,
  PROJECTION_MARKER,
  ProjectionMarker,
  REPLAY_STORE,
  REFRESH_TOKEN_STORE,
  REVOCATION_STORE,
  TOKEN_STORE,
} from './store.ports';
import { MemoryProjectionMarker } from './memory/memory-projection.marker';
import { RedisProjectionMarker } from './redis/redis-projection.marker';
import { MemoryAuthFailureThrottle } from './memory/memory-auth-failure.throttle';
import { RedisAuthFailureThrottle } from './redis/redis-auth-failure.throttle';
import { ProjectionGate } from './projection/projection.gate';
import { ProjectionKeeper } from './projection/projection.keeper';
import { ProjectedRevocationStore } from './projection/projected-revocation.store';
import { ProjectedTokenStore } from './projection/projected-token.store';
import { ProjectedRefreshTokenStore } from './projection/projected-refresh-token.store';
import { MemoryRefreshTokenStore } from './memory/memory-refresh-token.store';
import { RedisRefreshTokenStore } from './redis/redis-refresh-token.store';
import { REQUEST_RATE_LIMITER } from './request-rate.port';
import { MemoryRequestRateLimiter } from './memory/memory-request-rate.limiter';
import { RedisRequestRateLimiter } from './redis/redis-request-rate.limiter';
import { FLOW_STORE_TOKENS, flowStoreProviders } from './flow-store.providers';
import { EXCHANGE_CHAIN_STORE } from './exchange-chain.port';
import { MemoryExchangeChainStore } from './memory/memory-exchange-chain.store';
import { RedisExchangeChainStore } from './redis/redis-exchange-chain.store';
import { SIGNING_KEY_STORE } from './signing-key.port';
import { SigningKeySealer } from './signing-key.sealer';
import { MemorySigningKeyStore } from './memory/memory-signing-key.store';
import { RedisSigningKeyStore } from './redis/redis-signing-key.store';
import { INITIAL_ACCESS_TOKEN_STORE } from './initial-access-token.port';
import { MemoryInitialAccessTokenStore } from './memory/memory-initial-access-token.store';
import { RedisInitialAccessTokenStore } from './redis/redis-initial-access-token.store';

/** The shared Redis connection, or null when the process runs on in-memory stores. */
export const REDIS = Symbol('Redis');

/**
 * On a Redis Cluster, the connection revocations are written on: each write waits for a
 * replica's acknowledgement there, not on the connection the hot path reads through.
 */
const REVOCATION_WRITER = Symbol('RevocationWriter');

class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Optional() @Inject(REDIS) private readonly redis: RedisClient | null,
    @Optional() @Inject(REVOCATION_WRITER) private readonly writer: RedisClient | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.redis, this.writer].map((r) => r?.quit().catch(() => r?.disconnect())));
  }
}

/**
 * Binds the store ports: Redis when REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis
 * Cluster) is set, in-memory (one process only) otherwise.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG, { token: StoreMetrics, optional: true }],
      useFactory: (c: AppConfig, metrics?: StoreMetrics) => {
        const target = c.redisCluster ?? c.redisUrl;
        return target ? openRedis(target, 'token-lifecycle', {}, metrics) : null;
      },
    },
    {
      provide: REVOCATION_WRITER,
      inject: [APP_CONFIG, { token: StoreMetrics, optional: true }],
      useFactory: (c: AppConfig, metrics?: StoreMetrics) =>
        c.redisCluster
          ? openRedis(c.redisCluster, 'token-lifecycle-revocations', {}, metrics)
          : null,
    },
    {
      provide: ProjectionGate,
      inject: [PROJECTION_MARKER, APP_CONFIG, REDIS],
      useFactory: (marker: ProjectionMarker, c: AppConfig, redis: RedisClient | null) => {
        const gate = new ProjectionGate(marker, { projected: c.kafka !== undefined });
        // A lost connection may mean a Redis that comes back empty: trust no earlier check.
        // On a cluster, a lost node may mean a shard whose primary and replica both restarted.
        redis?.on('close', () => gate.forget());
        if (redis?.isCluster) redis.on('-node', () => gate.forget());
        return gate;
      },
    },
    // With a log the stores are derived, and their reads pass the projection gate; without
    // one they are the record (nothing to gate, nothing added to the hot path).
    {
      provide: TOKEN_STORE,
      inject: [REDIS, APP_CONFIG, ProjectionGate],
      useFactory: (redis: RedisClient | null, c: AppConfig, gate: ProjectionGate) => {
        const store = redis ? new RedisTokenStore(redis) : new MemoryTokenStore();
        return c.kafka ? new ProjectedTokenStore(store, gate) : store;
      },
    },
    {
      provide: REVOCATION_STORE,
      inject: [REDIS, APP_CONFIG, ProjectionGate, PROJECTION_MARKER, REVOCATION_WRITER],
      useFactory: (
        redis: RedisClient | null,
        c: AppConfig,
        gate: ProjectionGate,
        marker: ProjectionMarker,
        writer: RedisClient | null,
      ) => {
        // Both keep the feed for the longest token lifetime: older entries cover no live token.
        const store = redis
          ? new RedisRevocationStore(redis, c.maxTokenTtl * 1000, writer ?? redis)
          : new MemoryRevocationStore(c.maxTokenTtl * 1000, marker);
        return c.kafka ? new ProjectedRevocationStore(store, gate) : store;
      },
    },
    {
      provide: REFRESH_TOKEN_STORE,
      inject: [REDIS, APP_CONFIG, ProjectionGate],
      useFactory: (redis: RedisClient | null, c: AppConfig, gate: ProjectionGate) => {
        const store = redis ? new RedisRefreshTokenStore(redis) : new MemoryRefreshTokenStore();
        return c.kafka ? new ProjectedRefreshTokenStore(store, gate) : store;
      },
    },
    {
      provide: REPLAY_STORE,
      inject: [REDIS],
      useFactory: (redis: RedisClient | null) =>
        redis ? new RedisReplayStore(redis) : new MemoryReplayStore(),
    },
    {
      provide: PROJECTION_MARKER,
      inject: [REDIS],
      useFactory: (redis: RedisClient | null) =>
        redis ? new RedisProjectionMarker(redis) : new MemoryProjectionMarker(),
    },
    {
      provide: AUTH_FAILURE_THROTTLE,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: RedisClient | null, c: AppConfig) =>
        redis
          ? new RedisAuthFailureThrottle(redis, c.authThrottle)
          : new MemoryAuthFailureThrottle(c.authThrottle),
    },
    {
      provide: REQUEST_RATE_LIMITER,
      inject: [REDIS],
      useFactory: (redis: RedisClient | null) =>
        redis ? new RedisRequestRateLimiter(redis) : new MemoryRequestRateLimiter(),
    },
    {
      // Written by the projection only, which reads nothing through the gate; the token
      // exchange reads whether an external subject token's exchange grant is revoked.
      provide: EXCHANGE_CHAIN_STORE,
      inject: [REDIS],
      useFactory: (redis: RedisClient | null) =>
        redis ? new RedisExchangeChainStore(redis) : new MemoryExchangeChainStore(),
    },
    {
      // The store is the record of runtime keys (no event carries a private key): never gated.
      provide: SIGNING_KEY_STORE,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: RedisClient | null, c: AppConfig) => {
        const sealer = new SigningKeySealer(c.signingKeys.kek);
        return redis ? new RedisSigningKeyStore(redis, sealer) : new MemorySigningKeyStore(sealer);
      },
    },
    {
      // Short-lived registration credentials: the store is their record (no log, no gate).
      provide: INITIAL_ACCESS_TOKEN_STORE,
      inject: [REDIS],
      useFactory: (redis: RedisClient | null) =>
        redis ? new RedisInitialAccessTokenStore(redis) : new MemoryInitialAccessTokenStore(),
    },
    ...flowStoreProviders(REDIS),
    ProjectionKeeper,
    RedisCloser,
  ],
  exports: [
    REDIS,
    TOKEN_STORE,
    REVOCATION_STORE,
    REFRESH_TOKEN_STORE,
    REPLAY_STORE,
    PROJECTION_MARKER,
    AUTH_FAILURE_THROTTLE,
    REQUEST_RATE_LIMITER,
    EXCHANGE_CHAIN_STORE,
    SIGNING_KEY_STORE,
    INITIAL_ACCESS_TOKEN_STORE,
    ProjectionGate,
    ...FLOW_STORE_TOKENS,
  ],
})
export class StoreModule {}
