import type Redis from 'ioredis';
import { RedisKeys } from '../keys';
import { RevocationFeed, RevocationFeedEntry } from '../revocation-feed.port';
import { Revocation } from '../store.ports';

const BATCH = 1000;

/** Follows the revocation stream with XREAD BLOCK on a connection dedicated to it. */
export class RedisRevocationFeed implements RevocationFeed {
  constructor(private readonly redis: Redis) {}

  async read(afterId: string, blockMs: number): Promise<RevocationFeedEntry[]> {
    const key = RedisKeys.revocationStream();
    const reply =
      blockMs > 0
        ? await this.redis.xread('COUNT', BATCH, 'BLOCK', blockMs, 'STREAMS', key, afterId)
        : await this.redis.xread('COUNT', BATCH, 'STREAMS', key, afterId);
    const entries = reply?.[0]?.[1] ?? [];
    return entries.map(([id, fields]) => ({ id, revocation: revocationOf(fields) }));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

function revocationOf(fields: string[]): Revocation {
  const at = fields.indexOf('revocation');
  return JSON.parse(fields[at + 1] ?? 'null') as Revocation;
}
