import type { RedisClient } from './redis-client';
import type { Cluster } from 'ioredis';
import { traceHeadersOf, tracingOn } from '@app/tracing';
import { guarded } from './redis-guard';
import { replicatedWrite } from './redis-replicated.write';
import { RedisKeys, revocationKey } from '../keys';
import { revocationCovers, widens } from '../revocation.matcher';
import { KeyNotice, Revocation, RevocationStore, RevocationSubject } from '../store.ports';

/**
 * Merges a revocation into the one already stored under its key, atomically: the wider one wins
 * (latest `expiresAt`, latest `revokedAt`), so replayed or reordered events never narrow a
 * revocation. Mirrors `mergeRevocations` in revocation.matcher.ts.
 */
const MERGE = `
local next = cjson.decode(ARGV[1])
local current = redis.call('GET', KEYS[1])
if current then
  local c = cjson.decode(current)
  if c.kind == next.kind then
    if c.expiresAt > next.expiresAt then next.expiresAt = c.expiresAt end
    if (next.kind == 'client' or next.kind == 'subject') and c.revokedAt > next.revokedAt then
      next.revokedAt = c.revokedAt
    end
  end
end
if next.expiresAt <= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], cjson.encode(next), 'PXAT', string.format('%d', next.expiresAt))
return 1
`;

/**
 * Streams a revocation once: its claim (KEYS[2], until the revocation ends at ARGV[1]) and its
 * entry on the stream (KEYS[1], trimmed to MINID ARGV[2], fields ARGV[3…]) together or not at
 * all, so no claim is ever left without its entry. Both keys are in the stream's slot.
 */
const APPEND_ONCE = `
if not redis.call('SET', KEYS[2], '1', 'NX', 'PXAT', ARGV[1]) then return 0 end
redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[2], '*', unpack(ARGV, 3))
return 1
`;

/** How long a key stays "announced": a key still published after that is announced again. */
const KEY_MEMORY_MS = 30 * 86_400_000;

/**
 * Revocation entries, one key each (Redis 7.0 has no hash-field expiry), expiring with the last
 * token they cover; and the revocation stream that replicas follow, trimmed by age.
 */
export class RedisRevocationStore implements RevocationStore {
  constructor(
    private readonly redis: RedisClient,
    /** Longest token lifetime (ms): older stream entries cannot matter to any live token. */
    private readonly streamRetentionMs: number,
    /**
     * Where revocations and the stream are written. On a Redis Cluster, a client of its own:
     * each write waits there for a replica's acknowledgement (redis-replicated.write.ts), which
     * must not hold up the reads of the hot path.
     */
    private readonly writer: RedisClient = redis,
  ) {}

  /**
   * Read, then on the stream, then merged. The stream comes first: a failure (or a crash) after
   * it leaves the kept entry narrower, so the projector applying the event again still finds it
   * widens the entry; its stream claim says it is streamed already. Merged first, a failure
   * before the stream would leave an entry that never reached the replicas and that no
   * re-application streams any more. Two equal revocations racing (the request path and the
   * projector applying one event at once, both reading before either merged) stream it once:
   * the claim is set in the same script as the entry (`streamedRevocation`).
   */
  async revoke(r: Revocation): Promise<boolean> {
    if (r.expiresAt <= Date.now()) return false;
    const key = revocationKey(r);
    const raw = await guarded(this.redis.get(key));
    if (!widens(raw === null ? undefined : (JSON.parse(raw) as Revocation), r)) return false;
    await this.appendOnce(r);
    const merge = [MERGE, 1, key, JSON.stringify(r), Date.now()] as const;
    if (this.writer.isCluster)
      await replicatedWrite(this.writer as Cluster, key, (p) => p.eval(...merge));
    else await guarded(this.writer.eval(...merge));
    return true;
  }

  async keyAnnounced(kid: string): Promise<boolean> {
    return (await guarded(this.redis.exists(RedisKeys.announcedKey(kid)))) === 1;
  }

  async announceKey(notice: KeyNotice): Promise<void> {
    await this.append('key', notice);
    await guarded(
      this.redis.set(RedisKeys.announcedKey(notice.kid), notice.alg, 'PX', KEY_MEMORY_MS),
    );
  }

  /**
   * XADD trimmed by age: entries older than the longest token lifetime matter to nobody. When
   * tracing is on, the entry also carries the writer's W3C trace context (`traceparent`,
   * `tracestate` fields after the first), so that each mirror applying it continues the trace
   * of the revocation; readers take the first field and ignore the others.
   */
  private async append(field: 'revocation' | 'key', value: unknown): Promise<void> {
    const oldest = String(Date.now() - this.streamRetentionMs);
    const entry = [RedisKeys.revocationStream(), 'MINID', '~', oldest, '*', field] as const;
    const json = JSON.stringify(value);
    const trace = tracingOn() ? traceFields() : NO_FIELDS;
    // On a cluster an entry counts once a replica holds it: the mirrors must never miss one.
    if (this.writer.isCluster)
      await replicatedWrite(this.writer as Cluster, entry[0], (p) =>
        p.xadd(...entry, json, ...trace),
      );
    else await guarded(this.writer.xadd(...entry, json, ...trace));
  }

  private async appendOnce(r: Revocation): Promise<void> {
    const oldest = String(Date.now() - this.streamRetentionMs);
    const keys = [RedisKeys.revocationStream(), RedisKeys.streamedRevocation(r)] as const;
    const args = [
      String(Math.ceil(r.expiresAt)),
      oldest,
      'revocation',
      JSON.stringify(r),
      ...(tracingOn() ? traceFields() : NO_FIELDS),
    ];
    // On a cluster an entry counts once a replica holds it: the mirrors must never miss one.
    if (this.writer.isCluster)
      await replicatedWrite(this.writer as Cluster, keys[0], (p) =>
        p.eval(APPEND_ONCE, 2, ...keys, ...args),
      );
    else await guarded(this.writer.eval(APPEND_ONCE, 2, ...keys, ...args));
  }

  async isRevoked(t: RevocationSubject): Promise<boolean> {
    // One MGET: the three keys share the client's hash slot. The subject's key is in its own
    // slot: a GET sent in the same write (the connection coalesces a turn's commands).
    const [found, bySubject] = await Promise.all([
      guarded(
        this.redis.mget(
          RedisKeys.revokedToken(t.clientId, t.jti),
          t.grantId === undefined
            ? RedisKeys.revokedClient(t.clientId)
            : RedisKeys.revokedGrant(t.clientId, t.grantId),
          RedisKeys.revokedClient(t.clientId),
        ),
      ),
      t.sub === undefined
        ? Promise.resolve(null)
        : guarded(this.redis.get(RedisKeys.revokedSubject(t.sub))),
    ]);
    return [...found, bySubject].some(
      (raw) => raw !== null && revocationCovers(JSON.parse(raw) as Revocation, t),
    );
  }
}

const NO_FIELDS: readonly string[] = [];

function traceFields(): readonly string[] {
  const h = traceHeadersOf();
  if (!h) return NO_FIELDS;
  return h.tracestate === undefined
    ? ['traceparent', h.traceparent]
    : ['traceparent', h.traceparent, 'tracestate', h.tracestate];
}
