import Redis from 'ioredis';
import {
  openRedis,
  RedisAuthorizationCodeStore,
  RedisAuthorizationRequestStore,
  RedisBrowserSessionStore,
  RedisGrantStore,
  RedisInteractionChallengeStore,
  RedisKeys,
} from '@app/store';
import { platformKeys, redisUrlForDb } from '../support/int-redis';
import {
  browserSession,
  codeRecord,
  grantRecord,
  loginChallenge,
  pendingRequest,
  unique,
} from './flow/flow-fixtures';
import { describeFlowStoreContract, TEST_TOMBSTONE_MARGIN_MS } from './flow/flow-store.contract';

/** A database of its own: the suite looks for keys by pattern (it never flushes it). */
const FLOW_DB = 12;

let redis: Redis;
beforeAll(async () => {
  redis = await openRedis(redisUrlForDb(FLOW_DB), 'flow-contract-spec');
});
afterAll(async () => {
  await redis.quit();
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describeFlowStoreContract('Redis', () => ({
  requests: () => new RedisAuthorizationRequestStore(redis),
  challenges: () => new RedisInteractionChallengeStore(redis),
  sessions: () => new RedisBrowserSessionStore(redis),
  codes: () => new RedisAuthorizationCodeStore(redis, TEST_TOMBSTONE_MARGIN_MS),
  grants: () => new RedisGrantStore(redis),
  elapse: sleep,
}));

describe('Redis flow-state keys', () => {
  const pexpiretime = (key: string) => redis.call('PEXPIRETIME', key) as Promise<number>;

  it('all expire at the deadline they were given, after every transition too', async () => {
    const deadline = Date.now() + 60_000;
    const [parId, reqId, loginId, from, to, code] = ['par', 'req', 'ch', 'c', 'c', 'code'].map(
      unique,
    ) as [string, string, string, string, string, string];
    const requests = new RedisAuthorizationRequestStore(redis);
    await requests.save('pushed', parId, pendingRequest(), deadline);
    await requests.save('pending', reqId, pendingRequest(), deadline);
    const challenges = new RedisInteractionChallengeStore(redis);
    await challenges.create(loginId, loginChallenge(), deadline);
    await challenges.answer('login', loginId, { kind: 'rejected', error: 'x' }, 'v');
    const sessions = new RedisBrowserSessionStore(redis);
    await sessions.save(from, browserSession(), deadline - 1000);
    await sessions.rotate(from, to, browserSession(), deadline);
    const grant = grantRecord();
    await new RedisGrantStore(redis).save(grant, deadline);
    await new RedisAuthorizationCodeStore(redis, 5_000).save(code, codeRecord(), deadline);

    for (const key of [
      RedisKeys.pushedRequest(parId),
      RedisKeys.pendingRequest(reqId),
      RedisKeys.challenge('login', loginId),
      RedisKeys.browserSession(to),
      RedisKeys.grant(grant.grantId),
      RedisKeys.grantsOfSubject(grant.subject),
      RedisKeys.authorizationCode(code),
    ])
      await expect(pexpiretime(key)).resolves.toBe(deadline);
    await expect(redis.exists(RedisKeys.browserSession(from))).resolves.toBe(0);
  });

  it('leaves a tombstone with no bound data, living the margin past the code', async () => {
    const digest = unique('code');
    const deadline = Date.now() + 60_000;
    const code = codeRecord();
    const sut = new RedisAuthorizationCodeStore(redis, 5_000);
    await sut.save(digest, code, deadline);
    await sut.redeem(digest);
    const key = RedisKeys.authorizationCode(digest);
    await expect(redis.hgetall(key)).resolves.toEqual({
      clientId: code.clientId,
      grantId: code.grantId,
    });
    await expect(pexpiretime(key)).resolves.toBe(deadline + 5_000);
  });

  it('never puts an id a browser or login app sent, or a subject, in a key', async () => {
    const [parId, challengeId] = [unique('par-raw'), unique('challenge-raw')];
    const grant = grantRecord({ subject: unique('alice@example.com') });
    const requests = new RedisAuthorizationRequestStore(redis);
    const challenges = new RedisInteractionChallengeStore(redis);
    const grants = new RedisGrantStore(redis);
    await requests.save('pushed', parId, pendingRequest(), Date.now() + 60_000);
    await challenges.create(challengeId, loginChallenge(), Date.now() + 60_000);
    await grants.save(grant, Date.now() + 60_000);
    await expect(requests.find('pushed', parId)).resolves.not.toBeNull();
    await expect(challenges.find('login', challengeId)).resolves.not.toBeNull();
    await expect(grants.findRecentBySubject(grant.subject, 10)).resolves.toHaveLength(1);
    for (const raw of [parId, challengeId, grant.subject])
      await expect(platformKeys(redis, `*${raw}*`)).resolves.toEqual([]);
  });

  it('keeps a grant index alive as long as its last grant, and drops expired members', async () => {
    const subject = unique('user');
    const sut = new RedisGrantStore(redis);
    const short = grantRecord({ subject });
    await sut.save(short, Date.now() + 1_000);
    const longDeadline = Date.now() + 60_000;
    await sut.save(grantRecord({ subject }), longDeadline);
    const index = RedisKeys.grantsOfSubject(subject);
    await expect(pexpiretime(index)).resolves.toBe(longDeadline);
    await sleep(1_500);
    await sut.save(grantRecord({ subject }), Date.now() + 10_000);
    await expect(redis.zscore(index, short.grantId)).resolves.toBeNull();
    await expect(redis.zcard(index)).resolves.toBe(2);
    await expect(pexpiretime(index)).resolves.toBe(longDeadline);
  });
});
