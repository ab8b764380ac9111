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

const REVOKE_BODY = `
local want = math.max(
  tonumber(ARGV[1]),
  tonumber(redis.call('HGET', KEYS[1], 'exp') or '0'),
  tonumber(redis.call('HGET', KEYS[1], 'revoked') or '0'))
redis.call('HSET', KEYS[1], 'exp', want, 'revoked', want)
redis.call('PEXPIREAT', KEYS[1], want)
return { tostring(want), redis.call('HKEYS', KEYS[1]) }
`;
const REVOKE = REVOKE_BODY;
/** Only a grant the store knows: nil (null) and nothing written for another. */
const REVOKE_KNOWN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
${REVOKE_BODY}`;

export class RedisExchangeChainStore implements ExchangeChainStore {
  constructor(private readonly redis: RedisClient) {}

  hold(grantId: string, clientId: string, expiresAt: number): Promise<number | null> {
    return this.add(grantId, `h:${clientId}`, expiresAt);
  }

  link(parent: string, child: string, expiresAt: number): Promise<number | null> {
    return this.add(parent, `c:${child}`, expiresAt);
  }

  async revoke(grantId: string, expiresAt: number): Promise<ExchangeChainNode> {
    return (await this.revokeWith(REVOKE, grantId, expiresAt))!;
  }

  revokeKnown(grantId: string, expiresAt: number): Promise<ExchangeChainNode | null> {
    return this.revokeWith(REVOKE_KNOWN, grantId, expiresAt);
  }

  private async revokeWith(
    script: string,
    grantId: string,
    expiresAt: number,
  ): Promise<ExchangeChainNode | null> {
    const answer = (await guarded(
      this.redis.eval(script, 1, RedisKeys.exchangeChain(grantId), Math.ceil(expiresAt)),
    )) as [string, string[]] | null;
    if (answer === null) return null;
    const [until, fields] = answer;
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
