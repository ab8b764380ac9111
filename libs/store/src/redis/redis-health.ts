import type { Cluster } from 'ioredis';
import type Redis from 'ioredis';
import type { RedisClient } from './redis-client';

/** Whether the store can serve, and if not, why (for the readiness answer). */
export interface StoreHealth {
  readonly up: boolean;
  readonly reason?: string;
}

const UP: StoreHealth = { up: true };

/**
 * One Redis: it answers PING. A Redis Cluster: every primary the client knows answers and says
 * cluster_state:ok. A primary cut off from the majority of primaries (no quorum), or a cluster
 * with slots that no live primary serves, says fail and refuses commands: not ready.
 */
export async function redisHealth(redis: RedisClient): Promise<StoreHealth> {
  if (!redis.isCluster) {
    const pong = await (redis as Redis).ping().catch(() => null);
    return pong === 'PONG' ? UP : { up: false, reason: 'Redis does not answer' };
  }
  const primaries = (redis as Cluster).nodes('master');
  if (primaries.length === 0) return { up: false, reason: 'no Redis Cluster primary reachable' };
  const states = await Promise.all(
    primaries.map(async (node) => {
      const info = await node.cluster('INFO').catch(() => null);
      const at = `${node.options.host}:${node.options.port}`;
      if (info === null) return `primary ${at} does not answer`;
      const state = /^cluster_state:(\w+)/m.exec(String(info))?.[1];
      return state === 'ok' ? null : `primary ${at} reports cluster_state:${state ?? 'unknown'}`;
    }),
  );
  const reasons = states.filter((s): s is string => s !== null);
  return reasons.length === 0 ? UP : { up: false, reason: reasons.join('; ') };
}
