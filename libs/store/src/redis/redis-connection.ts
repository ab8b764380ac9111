import Redis from 'ioredis';

/**
 * A connection for the hot path: auto-pipelined (concurrent commands share round trips), and
 * failing fast while Redis is away (no offline queue, short command timeout) so callers apply
 * their failure policy instead of hanging. It reconnects on its own.
 */
export function connectRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    connectTimeout: 2000,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
  });
}

/** Connects and waits until the first command can be sent. */
export async function openRedis(url: string, name: string): Promise<Redis> {
  const redis = connectRedis(url, name);
  await redis.connect();
  return redis;
}
