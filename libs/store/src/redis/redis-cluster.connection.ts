import { Logger } from '@nestjs/common';
import Redis, { Cluster, RedisOptions } from 'ioredis';
import type { RedisClusterConfig } from '@app/config';
import { coalesceWrites, logOutages } from './redis-connection';

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
      clusterRetryStrategy: (attempt) => Math.min(50 * attempt, 1000),
      redisOptions: {
        connectionName: name,
        enableAutoPipelining: false,
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
  client.on('+node', (node: Redis) => coalesceWrites(node));
  const log = new Logger(`Redis:${name}`);
  client.on('-node', (node: Redis) => {
    // Nodes also leave when the client quits: only a loss while in service is news.
    if (client.status === 'ready')
      log.warn(
        `lost cluster node ${node.options.host}:${node.options.port}; following the slot map`,
      );
  });
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
