import type { RedisClient } from './redis-client';
import { RedisKeys } from '../keys';
import { RevocationFeed, RevocationFeedBatch, RevocationFeedEntry } from '../revocation-feed.port';
import { KeyNotice, Revocation } from '../store.ports';

const BATCH = 1000;

/**
 * Follows the revocation stream with XREAD BLOCK on a connection dedicated to it. Each read
 * also asks whether the projector's marker is there: a store without it (restarted empty, the
 * log not yet replayed into it) holds only part of the revocations, so a mirror must not call
 * itself current on its word, however long it has been following it.
 */
export class RedisRevocationFeed implements RevocationFeed {
  constructor(private readonly redis: RedisClient) {}

  async read(afterId: string, blockMs: number): Promise<RevocationFeedBatch> {
    const key = RedisKeys.revocationStream();
    // Both leave in one write (the connection coalesces a turn's commands) and Redis answers
    // EXISTS first, before XREAD starts to block: the marker as of the moment the read began.
    // In a MULTI, XREAD would not block.
    const [marker, reply] = await Promise.all([
      this.redis.exists(RedisKeys.projectionMarker()),
      blockMs > 0
        ? this.redis.xread('COUNT', BATCH, 'BLOCK', blockMs, 'STREAMS', key, afterId)
        : this.redis.xread('COUNT', BATCH, 'STREAMS', key, afterId),
    ]);
    const entries = reply?.[0]?.[1] ?? [];
    return { entries: entries.map(([id, fields]) => entryOf(id, fields)), complete: marker === 1 };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** Stream entries carry one field: `revocation` or `key`, with a JSON value. */
function entryOf(id: string, fields: string[]): RevocationFeedEntry {
  const [name, value] = fields;
  return name === 'key'
    ? { id, key: JSON.parse(value ?? 'null') as KeyNotice }
    : { id, revocation: JSON.parse(value ?? 'null') as Revocation };
}
