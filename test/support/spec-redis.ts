import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import type { RedisClient } from '@app/store';
import { flushCluster } from './ha-redis';
import { KeyState, snapshot } from './int-redis';

/**
 * A spec's own view of the Redis the services run on, one database of the int tier's Redis or
 * a whole Redis Cluster, so that one spec body runs on both: single-key commands go through
 * `client` (the Cluster client routes them to their slot's primary), and what a cluster does per
 * node (emptying it, counting and listing its keys) is done here on every primary.
 */
export interface SpecRedis {
  readonly client: RedisClient;
  /** Empties it: what a Redis that lost its data looks like to the platform. */
  flush(): Promise<void>;
  /** How many keys it holds. */
  size(): Promise<number>;
  /** Every platform string key with its value and expiry (int-redis `snapshot`). */
  snapshot(): Promise<Record<string, KeyState>>;
  close(): Promise<void>;
}

/** One database of one Redis (the suite's own: it may flush it). */
export function databaseSpecRedis(redis: Redis): SpecRedis {
  return {
    client: redis,
    flush: async () => void (await redis.flushdb()),
    size: () => redis.dbsize(),
    snapshot: () => snapshot(redis),
    close: async () => void (await redis.quit()),
  };
}

/**
 * A Redis Cluster (the suite owns it while it runs: it may flush it). A cluster has one
 * database, and FLUSHDB, DBSIZE and SCAN only see the node they are sent to: each primary's.
 */
export function clusterSpecRedis(cluster: Cluster): SpecRedis {
  const primaries = () => cluster.nodes('master');
  return {
    client: cluster,
    flush: () => flushCluster(cluster),
    size: async () =>
      (await Promise.all(primaries().map((node) => node.dbsize()))).reduce((a, b) => a + b, 0),
    snapshot: async () =>
      Object.assign({}, ...(await Promise.all(primaries().map((node) => snapshot(node))))),
    close: async () => void (await cluster.quit()),
  };
}
