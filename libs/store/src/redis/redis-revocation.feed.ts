import type { TraceHeaders } from '@app/tracing';
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
    return {
      entries: entries.map(([id, fields]) => feedEntryOf(id, fields)),
      complete: marker === 1,
    };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/**
 * Stream entries carry one field first: `revocation` or `key`, with a JSON value; then, when
 * the writer traced, `traceparent` and `tracestate` (entries written before them have none).
 */
export function feedEntryOf(id: string, fields: string[]): RevocationFeedEntry {
  const [name, value] = fields;
  const entry: RevocationFeedEntry =
    name === 'key'
      ? { id, key: JSON.parse(value ?? 'null') as KeyNotice }
      : { id, revocation: JSON.parse(value ?? 'null') as Revocation };
  const trace = fields.length > 2 ? traceOf(fields) : undefined;
  return trace ? { ...{}, ...entry, trace } : entry;
}

function traceOf(fields: string[]): TraceHeaders | undefined {
  let traceparent: string | undefined;
  let tracestate: string | undefined;
  for (let i = 2; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'traceparent') traceparent = fields[i + 1];
    else if (fields[i] === 'tracestate') tracestate = fields[i + 1];
  }
  if (traceparent === undefined) return undefined;
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}
