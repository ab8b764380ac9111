import type Redis from 'ioredis';
import { RedisKeys } from '@app/store';
import { CLIENTS } from '../fixtures/test-registry';
import { openTestRedis, redisUrlForDb } from '../support/int-redis';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, HttpResponse } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

jest.setTimeout(60_000);

/** The database this file owns: flushed before its replicas start. */
const REDIS_DB = 1;
const PER_CLIENT = 4;
const PER_ADDRESS = 3;
const WINDOW_SECONDS = 60;

/**
 * Request limits are counted in Redis: a client or an address that spreads its requests over
 * replicas gets, all replicas together, what one replica would give it.
 */
describe('request rate limits shared by two replicas through Redis', () => {
  let replicas: StandaloneServer[] = [];
  let redis: Redis;

  beforeAll(async () => {
    redis = await openTestRedis(redisUrlForDb(REDIS_DB), 'rate-limits-spec');
    await redis.flushdb();
    const env = {
      REDIS_URL: redisUrlForDb(REDIS_DB),
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS),
      RATE_LIMIT_TOKEN_PER_CLIENT: String(PER_CLIENT),
      RATE_LIMIT_INTROSPECTION_PER_ADDRESS: String(PER_ADDRESS),
    };
    replicas = await Promise.all([startStandaloneServer(env), startStandaloneServer(env)]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await redis?.quit();
  });

  const at = (i: number) => new OAuthClient(replicas[i]!.config.endpoints);
  const expectLimited = (res: HttpResponse) => {
    expect(res.status).toBe(429);
    expect(res.body.error).toBe('temporarily_unavailable');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  };
  const expectCount = async (key: string, count: number) => {
    await expect(redis.get(key)).resolves.toBe(String(count));
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);
  };

  it('refuses a client on both replicas once its requests on both reach the allowance', async () => {
    const token = (i: number) =>
      at(i).token({ grant_type: 'client_credentials' }, clientAuth.basic(CLIENTS.basic));
    for (let i = 0; i < PER_CLIENT; i++) expect((await token(i % 2)).status).toBe(200);
    // Each replica has served only half the allowance itself: only the shared count refuses.
    expectLimited(await token(0));
    expectLimited(await token(1));
    // One key in Redis. The replica that served the last allowed request refuses from its own
    // memory from then on (inMemoryBlockOnConsumed); the other counted one refusal in Redis first.
    await expectCount(RedisKeys.requestsByClient('token', CLIENTS.basic.clientId), PER_CLIENT + 1);
    // Another client is untouched on both.
    const other = (i: number) =>
      at(i).token({ grant_type: 'client_credentials' }, clientAuth.post(CLIENTS.post));
    expect((await other(0)).status).toBe(200);
    expect((await other(1)).status).toBe(200);
  });

  it('refuses an address on both replicas once its requests on both reach the allowance', async () => {
    const introspect = (i: number) =>
      at(i).introspect({ token: 'x' }, clientAuth.basic(CLIENTS.basic));
    for (let i = 0; i < PER_ADDRESS; i++) expect((await introspect(i % 2)).status).toBe(200);
    expectLimited(await introspect(0));
    expectLimited(await introspect(1));
    // The services listen on 127.0.0.1 and TRUST_PROXY is unset: the TCP peer is the address.
    await expectCount(RedisKeys.requestsByAddress('introspection', '127.0.0.1'), PER_ADDRESS + 1);
  });
});
