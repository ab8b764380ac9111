import type Redis from 'ioredis';
import { RedisKeys } from '../keys';
import { RevocationFeed, RevocationFeedEntry } from '../revocation-feed.port';
import { KeyNotice, Revocation } from '../store.ports';

const BATCH = 1000;

/** The store lost its data (restarted empty) and is not rebuilt yet: the feed is not current. */
export class FeedNotCurrent extends Error {
  constructor() {
    super('the revocation store is being rebuilt from the log');
    this.name = 'FeedNotCurrent';
  }
}

/**
 * Follows the revocation stream with XREAD BLOCK on a connection dedicated to it. Once the
 * projector's marker has been seen, a store without it has lost its data (a Redis that came back
 * empty): reads then fail until the log has been replayed into it, so a mirror never confirms
 * itself current against a store that forgot revocations.
 */
export class RedisRevocationFeed implements RevocationFeed {
  private sawProjection = false;

  constructor(private readonly redis: Redis) {}

  async read(afterId: string, blockMs: number): Promise<RevocationFeedEntry[]> {
    const built = (await this.redis.exists(RedisKeys.projectionMarker())) === 1;
    if (built) this.sawProjection = true;
    else if (this.sawProjection) throw new FeedNotCurrent();
    const key = RedisKeys.revocationStream();
    const reply =
      blockMs > 0
        ? await this.redis.xread('COUNT', BATCH, 'BLOCK', blockMs, 'STREAMS', key, afterId)
        : await this.redis.xread('COUNT', BATCH, 'STREAMS', key, afterId);
    const entries = reply?.[0]?.[1] ?? [];
    return entries.map(([id, fields]) => entryOf(id, fields));
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
