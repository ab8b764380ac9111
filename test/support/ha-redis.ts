import type { Cluster } from 'ioredis';
import { loadRedisEndpoint, RedisClusterConfig } from '@app/config';
import { openRedis } from '@app/store';

/**
 * Redis Cluster access for the ha tier: the cluster of the tier's global setup (it hands the seeds
 * over as TEST_REDIS_CLUSTER_NODES, so that the other tiers' services never see them beside
 * REDIS_URL), reached through the platform's own config parsing and connection factory, so that
 * the specs test what the services run.
 */
export function clusterConfig(): RedisClusterConfig {
  const { redisCluster } = loadRedisEndpoint({
    REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES,
  });
  if (!redisCluster) throw new Error('no test cluster: run with --selectProjects ha');
  return redisCluster;
}

/** The platform's Cluster client on the tier's cluster (or on `cluster`). */
export async function openClusterClient(
  name: string,
  cluster: RedisClusterConfig = clusterConfig(),
): Promise<Cluster> {
  return (await openRedis(cluster, name)) as Cluster;
}

/**
 * Empties every primary (a cluster has one database, and FLUSHDB only empties the node it is
 * sent to): what a Redis Cluster that lost its data looks like to the platform.
 */
export async function flushCluster(cluster: Cluster): Promise<void> {
  await Promise.all(cluster.nodes('master').map((node) => node.flushdb()));
}

/** A cluster node as scripts/redis-cluster.js hands it over. */
export interface ClusterServer {
  readonly port: number;
  readonly pid: number | undefined;
  /** SIGKILL, and resolves once the process is gone. */
  kill(): Promise<void>;
  /** Same port and data dir (empty: no persistence); rejoins as a replica. */
  start(): Promise<void>;
}

export interface OwnRedisCluster {
  readonly nodes: string;
  readonly servers: readonly ClusterServer[];
  /** The server that is now the primary of `key`'s slot. */
  primaryOf(key: string): Promise<ClusterServer | undefined>;
  waitUntilOk(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface ClusterModule {
  startOwnCluster(options: { log?: (m: string) => void }): Promise<OwnRedisCluster>;
  NODE_TIMEOUT_MS: number;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require('../../scripts/redis-cluster') as ClusterModule;

/** A cluster of the suite's own (six servers), which it may kill nodes of. */
export function startOwnRedisCluster(
  log: (m: string) => void = () => undefined,
): Promise<OwnRedisCluster> {
  return script.startOwnCluster({ log });
}

/** The servers' cluster-node-timeout: how long a dead primary goes unnoticed. */
export const NODE_TIMEOUT_MS = script.NODE_TIMEOUT_MS;
