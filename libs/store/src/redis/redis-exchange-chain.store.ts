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

/*
 * The exchange grants made from one client's tokens: two sorted sets in the client's slot,
 * KEYS[1] each grant by its last deadline, KEYS[2] by its first exchange. A write drops up to
 * a hundred expired grants (every write does, so they never pile up), adds the grant (GT/LT:
 * the later deadline, the earlier exchange win) and keeps both keys as long as the last grant.
 * ARGV: grant, exchanged at, expires at, now (ms).
 */
const NOTE_EXCHANGED_FROM = `
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4], 'LIMIT', 0, 100)
if #gone > 0 then
  redis.call('ZREM', KEYS[1], unpack(gone))
  redis.call('ZREM', KEYS[2], unpack(gone))
end
redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[2], 'LT', ARGV[2], ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], last[2])
redis.call('PEXPIREAT', KEYS[2], last[2])
`;

/**
 * The live grants first exchanged at or before ARGV[1], ARGV[2] being now. One script over the
 * client's whole index: it serves the revocation of every token of a client, an operator's rare
 * act, and answers what any number of exchanges left live.
 */
const EXCHANGED_FROM = `
local live = {}
local now = tonumber(ARGV[2])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])) do
  local deadline = redis.call('ZSCORE', KEYS[1], id)
  if deadline and tonumber(deadline) > now then live[#live + 1] = id end
end
return live
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

  async noteExchangedFrom(
    subjectClientId: string,
    grantId: string,
    exchangedAt: number,
    expiresAt: number,
  ): Promise<void> {
    const now = Date.now();
    if (expiresAt <= now) return;
    const [byDeadline, byExchange] = exchangedFromKeys(subjectClientId);
    await guarded(
      this.redis.eval(
        NOTE_EXCHANGED_FROM,
        2,
        byDeadline,
        byExchange,
        grantId,
        Math.floor(exchangedAt),
        Math.ceil(expiresAt),
        now,
      ),
    );
  }

  async exchangedFrom(clientId: string, upTo: number): Promise<string[]> {
    const [byDeadline, byExchange] = exchangedFromKeys(clientId);
    return (await guarded(
      this.redis.eval(EXCHANGED_FROM, 2, byDeadline, byExchange, Math.floor(upTo), Date.now()),
    )) as string[];
  }

  private async add(grantId: string, field: string, expiresAt: number): Promise<number | null> {
    if (expiresAt <= Date.now()) return null;
    const revoked = (await guarded(
      this.redis.eval(ADD, 1, RedisKeys.exchangeChain(grantId), field, Math.ceil(expiresAt)),
    )) as string | null;
    return revoked === null ? null : Number(revoked);
  }
}

/** Both in the client's slot: one script writes them together, on a Redis Cluster too. */
function exchangedFromKeys(clientId: string): [string, string] {
  const key = RedisKeys.exchangedFromClient(clientId);
  return [`${key}:deadline`, `${key}:first`];
}
