import { Logger } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';

/**
 * A connection for the hot path: auto-pipelined (concurrent commands share round trips), and
 * failing fast while Redis is away (no offline queue, short command timeout) so callers apply
 * their failure policy instead of hanging. It reconnects on its own.
 */
export function connectRedis(url: string, name: string, overrides: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    connectTimeout: 2000,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(50 * attempt, 1000),
    ...overrides,
  });
  logOutages(redis, name);
  return redis;
}

/** One line when the connection is lost and one when it is back, not one per retry. */
function logOutages(redis: Redis, name: string): void {
  const log = new Logger(`Redis:${name}`);
  let down = false;
  redis.on('error', (e: Error) => {
    if (!down) log.warn(`connection lost: ${e.message}; reconnecting`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.log('connection restored');
    down = false;
  });
}

/** Connects and waits until the first command can be sent. */
export async function openRedis(
  url: string,
  name: string,
  overrides: RedisOptions = {},
): Promise<Redis> {
  const redis = connectRedis(url, name, overrides);
  await redis.connect();
  return redis;
}

/**
 * A connection dedicated to blocking reads of the revocation stream: its command timeout
 * outlasts the longest block, so only a dead link (no answer at all) times out.
 */
export function openFeedRedis(url: string, name: string, longestBlockMs: number): Promise<Redis> {
  return openRedis(url, name, {
    enableAutoPipelining: false,
    commandTimeout: longestBlockMs + 2000,
  });
}
