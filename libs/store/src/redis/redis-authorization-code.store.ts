import type { RedisClient } from './redis-client';
import {
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
  CODE_TOMBSTONE_MARGIN_MS,
  CodeRedemption,
} from '../authorization-code.port';
import { RedisKeys } from '../keys';
import { guarded } from './redis-guard';

// One hash per code: clientId and grantId for as long as the key lives, the bound record only
// until the code is redeemed. Both scripts touch one key.
const SAVE = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'clientId', ARGV[1], 'grantId', ARGV[2], 'record', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
`;
/**
 * Nil: unknown or expired. {clientId, grantId}: already redeemed. {clientId, grantId, record}:
 * this call redeemed it; the key becomes a tombstone living `ARGV[1]` ms past the code.
 */
const REDEEM = `
local f = redis.call('HMGET', KEYS[1], 'clientId', 'grantId', 'record')
if not f[1] then return false end
if not f[3] then return {f[1], f[2]} end
redis.call('HDEL', KEYS[1], 'record')
local tombstoneUntil = redis.call('PEXPIRETIME', KEYS[1]) + tonumber(ARGV[1])
redis.call('PEXPIREAT', KEYS[1], string.format('%d', tombstoneUntil))
return f
`;

export class RedisAuthorizationCodeStore implements AuthorizationCodeStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly tombstoneMarginMs = CODE_TOMBSTONE_MARGIN_MS,
  ) {}

  async save(digest: string, code: AuthorizationCodeRecord, expiresAt: number): Promise<void> {
    if (expiresAt <= Date.now()) return;
    const key = RedisKeys.authorizationCode(digest);
    const record = JSON.stringify(code);
    await guarded(this.redis.eval(SAVE, 1, key, code.clientId, code.grantId, record, expiresAt));
  }

  async redeem(digest: string): Promise<CodeRedemption | null> {
    const key = RedisKeys.authorizationCode(digest);
    const found = (await guarded(this.redis.eval(REDEEM, 1, key, this.tombstoneMarginMs))) as
      [string, string, string?] | null;
    if (!found) return null;
    const [clientId, grantId, record] = found;
    return record === undefined
      ? { outcome: 'replayed', clientId, grantId }
      : { outcome: 'redeemed', code: JSON.parse(record) as AuthorizationCodeRecord };
  }
}
