import type { RedisClient } from './redis-client';
import { RedisKeys } from '../keys';
import {
  MAX_REFRESH_GRACE_SECONDS,
  RefreshDeadlines,
  RefreshRotation,
  RefreshTokenRecord,
  RefreshTokenState,
  RefreshTokenStore,
} from '../refresh-token.port';
import { guarded } from './redis-guard';

// A family is one hash (record, current, idleUntil, absoluteUntil, recent, revoked, and prior /
// priorIdleUntil: what the last rotation retired, for undoRotation); each state change is one
// script on that one key. A token's digest → grant id index is written once and
// never changes, so reading it first needs no atomicity; it lives as long as the family.
// `recent` is a JSON list of [digest, retiredAt] within the longest grace (ARGV maxGraceMs).

/**
 * KEYS: family. ARGV: record, digest, idleUntil, absoluteUntil, now, maxGraceMs, known (1 when
 * the digest's index exists). A known digest is left as it is: 1 when it is the live one.
 */
const ISSUE = `
local f = redis.call('HMGET', KEYS[1], 'revoked', 'current', 'absoluteUntil', 'recent')
if ARGV[7] == '1' or f[2] == ARGV[2] then
  if f[2] == ARGV[2] and not f[1] then return 1 end
  return 0
end
if f[1] then return 0 end
local now = tonumber(ARGV[5])
local absolute = tonumber(f[3] or ARGV[4])
if absolute <= now then return 0 end
local kept = {}
if f[4] then
  for _, r in ipairs(cjson.decode(f[4])) do
    if r[2] > now - tonumber(ARGV[6]) then table.insert(kept, r) end
  end
end
if f[2] then table.insert(kept, {f[2], now}) end
local idle = math.min(tonumber(ARGV[3]), absolute)
redis.call('HSET', KEYS[1], 'record', ARGV[1], 'current', ARGV[2],
  'idleUntil', string.format('%d', idle), 'absoluteUntil', string.format('%d', absolute),
  'recent', cjson.encode(kept))
redis.call('HDEL', KEYS[1], 'prior', 'priorIdleUntil')
redis.call('PEXPIREAT', KEYS[1], string.format('%d', absolute))
return 1
`;

/**
 * KEYS: family. ARGV: presented, next, nextIdleUntil, now, graceMs, maxGraceMs.
 * Returns {outcome, record[, idleUntil]} or {'unknown'}.
 */
const ROTATE = `
local f = redis.call('HMGET', KEYS[1], 'record', 'current', 'idleUntil', 'absoluteUntil',
  'recent', 'revoked')
if not f[1] or f[6] then return {'unknown'} end
local now = tonumber(ARGV[4])
local absolute = tonumber(f[4])
if now >= absolute then return {'expired', f[1]} end
local recent = cjson.decode(f[5])
local outcome
if f[2] == ARGV[1] then
  if now >= tonumber(f[3]) then return {'expired', f[1]} end
  outcome = 'rotated'
else
  local retiredAt
  for _, r in ipairs(recent) do if r[1] == ARGV[1] then retiredAt = r[2] end end
  -- A clock reading before the retirement is no time elapsed (see rotate in the port).
  if not retiredAt or math.max(0, now - retiredAt) >= tonumber(ARGV[5]) then
    redis.call('HSET', KEYS[1], 'revoked', '1', 'recent', '[]')
    redis.call('HDEL', KEYS[1], 'current', 'prior', 'priorIdleUntil')
    return {'reuse', f[1]}
  end
  outcome = 'reused-within-grace'
end
local kept = {}
for _, r in ipairs(recent) do
  if r[2] > now - tonumber(ARGV[6]) then table.insert(kept, r) end
end
table.insert(kept, {f[2], now})
local idle = math.min(tonumber(ARGV[3]), absolute)
redis.call('HSET', KEYS[1], 'current', ARGV[2], 'idleUntil', string.format('%d', idle),
  'recent', cjson.encode(kept), 'prior', f[2], 'priorIdleUntil', f[3])
return {outcome, f[1], string.format('%d', idle)}
`;

/**
 * KEYS: family. ARGV: next. Makes the token the last rotation retired live again, when `next`
 * is still the live token of a family not revoked. Returns 1 when undone.
 */
const UNDO = `
local f = redis.call('HMGET', KEYS[1], 'current', 'prior', 'priorIdleUntil', 'recent', 'revoked')
if f[5] or not f[2] or f[1] ~= ARGV[1] then return 0 end
local kept = {}
for _, r in ipairs(cjson.decode(f[4] or '[]')) do
  if r[1] ~= f[2] then table.insert(kept, r) end
end
local recent = '[]'
if #kept > 0 then recent = cjson.encode(kept) end
redis.call('HSET', KEYS[1], 'current', f[2], 'idleUntil', f[3], 'recent', recent)
redis.call('HDEL', KEYS[1], 'prior', 'priorIdleUntil')
return 1
`;

/** KEYS: family. ARGV: keepUntil. A family not seen yet becomes a revoked tombstone. */
const REVOKE = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'revoked', '1', 'recent', '[]')
  redis.call('HDEL', KEYS[1], 'current', 'prior', 'priorIdleUntil')
  return 1
end
redis.call('HSET', KEYS[1], 'revoked', '1')
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 0
`;

const MAX_GRACE_MS = MAX_REFRESH_GRACE_SECONDS * 1000;

export class RedisRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly redis: RedisClient) {}

  async issue(
    record: RefreshTokenRecord,
    digest: string,
    deadlines: RefreshDeadlines,
    now: number,
  ): Promise<boolean> {
    const { absoluteExpiresAt: absolute, idleExpiresAt: idle } = deadlines;
    if (absolute <= now) return false;
    const family = RedisKeys.refreshFamily(record.grantId);
    // Written once and never changed: when present, this digest was applied before.
    const known = (await guarded(this.redis.exists(RedisKeys.refreshToken(digest)))) === 1;
    const args = [JSON.stringify(record), digest, idle, absolute, now, MAX_GRACE_MS, known ? 1 : 0];
    const issued = await guarded(this.redis.eval(ISSUE, 1, family, ...args));
    // The index is written only once the family names the token: nobody holds it before.
    if (issued === 1) await this.index(digest, record.grantId, absolute);
    return issued === 1;
  }

  async rotate(
    presentedDigest: string,
    next: { readonly digest: string; readonly idleExpiresAt: number },
    now: number,
    graceMs: number,
  ): Promise<RefreshRotation> {
    const grantId = await guarded(this.redis.get(RedisKeys.refreshToken(presentedDigest)));
    if (grantId === null) return { outcome: 'unknown' };
    const family = RedisKeys.refreshFamily(grantId);
    const args = [presentedDigest, next.digest, next.idleExpiresAt, now, graceMs, MAX_GRACE_MS];
    const [outcome, raw, idle] = (await guarded(this.redis.eval(ROTATE, 1, family, ...args))) as [
      RefreshRotation['outcome'],
      string?,
      string?,
    ];
    if (outcome === 'unknown' || raw === undefined) return { outcome: 'unknown' };
    const record = JSON.parse(raw) as RefreshTokenRecord;
    if (outcome === 'reuse' || outcome === 'expired') return { outcome, record };
    // Until the client holds it, nobody presents it: the index may follow the script.
    const absolute = await guarded(this.redis.pexpiretime(family));
    await this.index(next.digest, grantId, absolute);
    return { outcome, record, expiresAt: Number(idle) };
  }

  async undoRotation(grantId: string, nextDigest: string): Promise<boolean> {
    const family = RedisKeys.refreshFamily(grantId);
    return (await guarded(this.redis.eval(UNDO, 1, family, nextDigest))) === 1;
  }

  async revokeFamily(grantId: string, keepUntil: number): Promise<void> {
    await guarded(this.redis.eval(REVOKE, 1, RedisKeys.refreshFamily(grantId), keepUntil));
  }

  async find(digest: string, now: number): Promise<RefreshTokenState | null> {
    const grantId = await guarded(this.redis.get(RedisKeys.refreshToken(digest)));
    if (grantId === null) return null;
    const [raw, current, idle, revoked] = await guarded(
      this.redis.hmget(
        RedisKeys.refreshFamily(grantId),
        'record',
        'current',
        'idleUntil',
        'revoked',
      ),
    );
    if (raw === null || raw === undefined) return null;
    const idleUntil = Number(idle);
    const live = current === digest;
    return {
      record: JSON.parse(raw) as RefreshTokenRecord,
      active: live && revoked === null && now < idleUntil,
      expiresAt: live ? idleUntil : Math.min(now, idleUntil),
    };
  }

  private async index(digest: string, grantId: string, absolute: number): Promise<void> {
    if (absolute <= 0) return;
    await guarded(this.redis.set(RedisKeys.refreshToken(digest), grantId, 'PXAT', absolute));
  }
}
