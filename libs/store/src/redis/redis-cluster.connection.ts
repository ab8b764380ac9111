import { Logger } from '@nestjs/common';
import Redis, { Cluster, RedisOptions } from 'ioredis';
import type { RedisClusterConfig } from '@app/config';
import { StoreMetrics } from '@app/metrics';
import { coalesceWrites, countErrors, logOutages } from './redis-connection';
import { traceCommands } from './redis-tracing';

/**
 * The Cluster client, with the single-node connection's policy: it fails fast while the slot's
 * primary is away (no offline queue, short command timeout) instead of hanging, and on a lost
 * primary it refreshes the slot map and retries (every 100 ms, at most 16 times: past a replica's
 * promotion on a cluster-node-timeout of a few seconds it gives up and the caller's failure
 * policy applies). Reads go to primaries only (scaleReads master): a replica may lag behind a
 * revocation just written.
 */
export async function openRedisCluster(
  cluster: RedisClusterConfig,
  name: string,
  overrides: RedisOptions = {},
  metrics?: StoreMetrics,
): Promise<Cluster> {
  const client = new Cluster(
    cluster.nodes.map(({ host, port }) => ({ host, port })),
    {
      scaleReads: 'master',
      enableReadyCheck: true,
      enableOfflineQueue: false,
      lazyConnect: true,
      maxRedirections: 16,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      slotsRefreshTimeout: 1000,
      // Also learn of changes no command ran into, such as a shard's replica coming back.
      slotsRefreshInterval: 5000,
      clusterRetryStrategy: (attempt) => Math.min(50 * attempt, 1000),
      redisOptions: {
        connectionName: name,
        enableAutoPipelining: false,
        // As the single node's: Redis 7.0 refuses CLIENT SETINFO (counted as failed commands).
        disableClientInfo: true,
        maxRetriesPerRequest: 0,
        commandTimeout: 1000,
        connectTimeout: 2000,
        ...(cluster.username ? { username: cluster.username } : {}),
        ...(cluster.password ? { password: cluster.password } : {}),
        ...(cluster.tls ? { tls: {} } : {}),
        ...withoutQueueing(overrides),
      },
    },
  );
  // Each node's connection coalesces a turn's commands into one write, as the single node's does.
  client.on('+node', (node: Redis) => {
    coalesceWrites(node);
    if (metrics?.enabled) countErrors(node, name, metrics);
    traceCommands(node, name);
  });
  logLostNodes(client, name);
  logOutages(client, name);
  await client.connect();
  return client;
}

/**
 * The Cluster client owns queueing and connecting of its node connections: a node connection
 * must keep its own offline queue (for the moment between its creation and its ready event).
 */
function withoutQueueing(o: RedisOptions): RedisOptions {
  const { enableOfflineQueue: _queue, lazyConnect: _lazy, ...rest } = o;
  return rest;
}

/**
 * One line when a node is lost (the client retries it over and over while the cluster fails it
 * over) and none again until a connection to it is ready once more.
 */
function logLostNodes(client: Cluster, name: string): void {
  const log = new Logger(`Redis:${name}`);
  const lost = new Set<string>();
  const address = (node: Redis) => `${node.options.host}:${node.options.port}`;
  client.on('+node', (node: Redis) => node.once('ready', () => lost.delete(address(node))));
  client.on('-node', (node: Redis) => {
    // Nodes also leave when the client quits: only a loss while in service is news.
    if (client.status !== 'ready' || lost.has(address(node))) return;
    lost.add(address(node));
    log.warn(`lost cluster node ${address(node)}; following the cluster's slot map`);
  });
}
