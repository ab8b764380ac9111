import type { RedisClient } from './redis-client';
import type {
  InitialAccessGrant,
  InitialAccessState,
  InitialAccessTokenStore,
} from '../initial-access-token.port';
import { RedisKeys } from '../keys';
import { guarded } from './redis-guard';

// One hash per token (grant as JSON, remaining and total uses), expiring at the token's deadline; every
// step is one script on that one key, so concurrent registrations on any replica spend exactly.
const ISSUE = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'grant', ARGV[1], 'remaining', ARGV[2], 'uses', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
`;
const SPEND = `
local f = redis.call('HMGET', KEYS[1], 'grant', 'remaining')
if not f[1] or tonumber(f[2]) <= 0 then return false end
redis.call('HINCRBY', KEYS[1], 'remaining', -1)
return f[1]
`;
const REFUND = `
local f = redis.call('HMGET', KEYS[1], 'remaining', 'uses')
if not f[1] or tonumber(f[1]) >= tonumber(f[2]) then return 0 end
return redis.call('HINCRBY', KEYS[1], 'remaining', 1)
`;

export class RedisInitialAccessTokenStore implements InitialAccessTokenStore {
  constructor(private readonly redis: RedisClient) {}

  async issue(digest: string, grant: InitialAccessGrant): Promise<void> {
    if (grant.expiresAt <= Date.now()) return;
    const key = RedisKeys.initialAccessToken(digest);
    await guarded(
      this.redis.eval(ISSUE, 1, key, JSON.stringify(grant), grant.uses, grant.expiresAt),
    );
  }

  async find(digest: string): Promise<InitialAccessState | null> {
    const [grant, remaining] = await guarded(
      this.redis.hmget(RedisKeys.initialAccessToken(digest), 'grant', 'remaining'),
    );
    if (!grant) return null;
    return { ...{}, ...(JSON.parse(grant) as InitialAccessGrant), remaining: Number(remaining) };
  }

  async spend(digest: string): Promise<InitialAccessGrant | null> {
    const key = RedisKeys.initialAccessToken(digest);
    const grant = (await guarded(this.redis.eval(SPEND, 1, key))) as string | null;
    return grant ? (JSON.parse(grant) as InitialAccessGrant) : null;
  }

  async refund(digest: string): Promise<void> {
    await guarded(this.redis.eval(REFUND, 1, RedisKeys.initialAccessToken(digest)));
  }
}
