import { RedisKeys } from '../keys';
import { ExchangeChainNode, ExchangeChainStore } from '../exchange-chain.port';
import type { RedisClient } from './redis-client';
import { guarded } from './redis-guard';

/*
 * One hash per grant (RedisKeys.exchangeChain): `h:<client>` per holder, `c:<grant>` per child,
 * `exp` the last deadline it knows of (the key's PXAT), `revoked` until when it is revoked.
 * Each script touches that one key only (one slot on a Redis Cluster).
 */
const ADD = `
redis.call('HSET', KEYS[1], ARGV[1], '1')
local exp = tonumber(redis.call('HGET', KEYS[1], 'exp') or '0')
local want = tonumber(ARGV[2])
if want > exp then
  redis.call('HSET', KEYS[1], 'exp', ARGV[2])
  redis.call('PEXPIREAT', KEYS[1], want)
end
return redis.call('HGET', KEYS[1], 'revoked')
`;

const REVOKE = `
local want = math.max(
  tonumber(ARGV[1]),
  tonumber(redis.call('HGET', KEYS[1], 'exp') or '0'),
  tonumber(redis.call('HGET', KEYS[1], 'revoked') or '0'))
redis.call('HSET', KEYS[1], 'exp', want, 'revoked', want)
redis.call('PEXPIREAT', KEYS[1], want)
return { tostring(want), redis.call('HKEYS', KEYS[1]) }
`;

export class RedisExchangeChainStore implements ExchangeChainStore {
  constructor(private readonly redis: RedisClient) {}

  hold(grantId: string, clientId: string, expiresAt: number): Promise<number | null> {
    return this.add(grantId, `h:${clientId}`, expiresAt);
  }

  link(parent: string, child: string, expiresAt: number): Promise<number | null> {
    return this.add(parent, `c:${child}`, expiresAt);
  }

  async revoke(grantId: string, expiresAt: number): Promise<ExchangeChainNode> {
    const [until, fields] = (await guarded(
      this.redis.eval(REVOKE, 1, RedisKeys.exchangeChain(grantId), Math.ceil(expiresAt)),
    )) as [string, string[]];
    const tagged = (tag: string) => fields.filter((f) => f.startsWith(tag)).map((f) => f.slice(2));
    return { holders: tagged('h:'), children: tagged('c:'), expiresAt: Number(until) };
  }

  async revokedUntil(grantId: string): Promise<number | null> {
    const revoked = await guarded(this.redis.hget(RedisKeys.exchangeChain(grantId), 'revoked'));
    return revoked === null ? null : Number(revoked);
  }

  private async add(grantId: string, field: string, expiresAt: number): Promise<number | null> {
    if (expiresAt <= Date.now()) return null;
    const revoked = (await guarded(
      this.redis.eval(ADD, 1, RedisKeys.exchangeChain(grantId), field, Math.ceil(expiresAt)),
    )) as string | null;
    return revoked === null ? null : Number(revoked);
  }
}
