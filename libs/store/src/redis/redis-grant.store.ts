import type { RedisClient } from './redis-client';
import { GrantCursor, GrantPage, GrantRecord, GrantStore } from '../grant.port';
import { RedisKeys } from '../keys';
import { guarded } from './redis-guard';

/**
 * Adds a grant to its subject's index (a sorted set scored by each grant's deadline), drops the
 * expired members, and keeps the index alive exactly as long as its last grant.
 */
const INDEX = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], string.format('%d', tonumber(last[2])))
`;

/**
 * Compare-and-set keeping the key's deadline: the record is replaced only if it is still the one
 * read (a concurrent touch, replacement or withdrawal wins; the caller reads again).
 */
const SWAP = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
`;

/**
 * A page of the index: KEYS: index. ARGV: now, cursor score ('' for the first page), cursor id,
 * count. The entries ordered after max(the expired ones, the cursor), as [id, score, ...]: two
 * O(log n) counts and a ZRANGE of `count`, plus the members sharing the cursor's score (grants
 * saved in the same millisecond). Ids are compared bytewise, as the sorted set orders them (Lua's
 * `<` follows the server's locale).
 */
const PAGE = `
local function after(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x > y end
  end
  return #a > #b
end
local start = redis.call('ZCOUNT', KEYS[1], '-inf', ARGV[1])
if ARGV[2] ~= '' then
  local before = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[2])
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[2])) do
    if not after(id, ARGV[3]) then before = before + 1 end
  end
  if before > start then start = before end
end
return redis.call('ZRANGE', KEYS[1], start, start + tonumber(ARGV[4]) - 1, 'WITHSCORES')
`;

/** Attempts of touch against concurrent writers before it gives up (the use is recorded). */
const TOUCH_ATTEMPTS = 5;

/**
 * The grant and its index entry live in different slots (one is found by grant id, the other by
 * subject), so they are two writes: the index is written second, and a reader skips an index
 * entry whose grant is gone. Every read of a subject's grants is bounded by its caller's limit:
 * one script or ZREVRANGEBYSCORE plus one GET per grant read, never a scan.
 */
export class RedisGrantStore implements GrantStore {
  constructor(private readonly redis: RedisClient) {}

  async save(grant: GrantRecord, expiresAt: number): Promise<void> {
    const now = Date.now();
    if (expiresAt <= now) return;
    const key = RedisKeys.grant(grant.grantId);
    await guarded(this.redis.set(key, JSON.stringify(grant), 'PXAT', expiresAt));
    await this.index(grant, expiresAt, now);
  }

  /** SET NX: of a request and a replay writing the same grant, the first record stays. */
  async create(grant: GrantRecord, expiresAt: number): Promise<boolean> {
    const now = Date.now();
    if (expiresAt <= now) return false;
    const key = RedisKeys.grant(grant.grantId);
    const set = await guarded(this.redis.set(key, JSON.stringify(grant), 'PXAT', expiresAt, 'NX'));
    if (set === null) return false;
    await this.index(grant, expiresAt, now);
    return true;
  }

  private async index(grant: GrantRecord, expiresAt: number, now: number): Promise<void> {
    const index = RedisKeys.grantsOfSubject(grant.subject);
    await guarded(this.redis.eval(INDEX, 1, index, expiresAt, grant.grantId, now));
  }

  async find(grantId: string): Promise<GrantRecord | null> {
    const raw = await guarded(this.redis.get(RedisKeys.grant(grantId)));
    return raw === null ? null : (JSON.parse(raw) as GrantRecord);
  }

  async pageBySubject(subject: string, limit: number, after?: GrantCursor): Promise<GrantPage> {
    const index = RedisKeys.grantsOfSubject(subject);
    const cursor = after === undefined ? ['', ''] : [after.expiresAt, after.grantId];
    const flat = (await guarded(
      this.redis.eval(PAGE, 1, index, Date.now(), ...cursor, limit + 1),
    )) as string[];
    const entries: GrantCursor[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2)
      entries.push({ grantId: flat[i]!, expiresAt: Number(flat[i + 1]) });
    const grants = await this.records(subject, entries.slice(0, limit));
    const last = entries[limit - 1];
    return entries.length > limit && last !== undefined ? { grants, next: last } : { grants };
  }

  async findRecentBySubject(
    subject: string,
    limit: number,
    clientId?: string,
  ): Promise<GrantRecord[]> {
    const index = RedisKeys.grantsOfSubject(subject);
    const ids = await guarded(
      this.redis.zrevrangebyscore(index, '+inf', `(${Date.now()}`, 'LIMIT', 0, limit),
    );
    const recent = await this.records(
      subject,
      ids.map((grantId) => ({ grantId, expiresAt: 0 })),
    );
    return recent
      .filter((g) => clientId === undefined || g.clientId === clientId)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The grants of these index entries that are still there (and still the subject's). */
  private async records(subject: string, entries: GrantCursor[]): Promise<GrantRecord[]> {
    // Sent in one write (the connection coalesces a turn's commands); no MGET: other slots.
    const grants = await Promise.all(entries.map((e) => this.find(e.grantId)));
    return grants.filter((g): g is GrantRecord => g?.subject === subject);
  }

  /**
   * Read, then swap when unchanged (no cjson re-encoding in the script: it turns `[]` into `{}`).
   * `lastUsedAt` only moves forward, whatever order concurrent refreshes land in.
   */
  async touch(grantId: string, at: number): Promise<boolean> {
    const key = RedisKeys.grant(grantId);
    for (let attempt = 0; attempt < TOUCH_ATTEMPTS; attempt++) {
      const raw = await guarded(this.redis.get(key));
      if (raw === null) return false;
      const grant = JSON.parse(raw) as GrantRecord;
      if (grant.lastUsedAt >= at) return true;
      const next = JSON.stringify({ ...{}, ...grant, lastUsedAt: at });
      if ((await guarded(this.redis.eval(SWAP, 1, key, raw, next))) === 1) return true;
    }
    return true;
  }

  /** GETDEL then ZREM: once the record is gone, an index entry left for a moment is skipped. */
  async delete(grantId: string): Promise<boolean> {
    const raw = await guarded(this.redis.getdel(RedisKeys.grant(grantId)));
    if (raw === null) return false;
    const { subject } = JSON.parse(raw) as GrantRecord;
    await guarded(this.redis.zrem(RedisKeys.grantsOfSubject(subject), grantId));
    return true;
  }
}
