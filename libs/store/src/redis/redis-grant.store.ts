import type Redis from 'ioredis';
import { GrantRecord, GrantStore } from '../grant.port';
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

/** Attempts of touch against concurrent writers before it gives up (the use is recorded). */
const TOUCH_ATTEMPTS = 5;

/**
 * The grant and its index entry live in different slots (one is found by grant id, the other by
 * subject), so they are two writes: the index is written second, and a reader skips an index
 * entry whose grant is gone. Reading a subject's grants costs one ZRANGE plus one GET per live
 * grant of that subject, never a scan.
 */
export class RedisGrantStore implements GrantStore {
  constructor(private readonly redis: Redis) {}

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

  async findBySubject(subject: string, clientId?: string): Promise<GrantRecord[]> {
    const index = RedisKeys.grantsOfSubject(subject);
    const ids = await guarded(this.redis.zrangebyscore(index, `(${Date.now()}`, '+inf'));
    // Sent in one write (the connection coalesces a turn's commands); no MGET: other slots.
    const grants = await Promise.all(ids.map((id) => this.find(id)));
    return grants
      .filter((g): g is GrantRecord => g?.subject === subject)
      .filter((g) => clientId === undefined || g.clientId === clientId)
      .sort((a, b) => a.createdAt - b.createdAt);
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
      const next = JSON.stringify({ ...grant, lastUsedAt: at });
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
