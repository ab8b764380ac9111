import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { LimiterLoginFailureThrottle, RedisKeys } from '@app/store';
import { openTestRedis, redisUrlForDb } from '../support/int-redis';

/** Its own database; usernames are random per run, so nothing needs flushing. */
const REDIS_DB = 4;
const LIMITS = { failuresPerUsername: 3, failureWindowSeconds: 30 };

/**
 * The login app's failures per username are counted in Redis: a username that failed too often
 * on one replica is refused by every replica, and the key names no username.
 */
describe('login failure throttle on Redis', () => {
  let replicaA: Redis;
  let replicaB: Redis;
  const url = () => redisUrlForDb(REDIS_DB);

  beforeAll(async () => {
    replicaA = await openTestRedis(url(), 'login-throttle-a');
    replicaB = await openTestRedis(url(), 'login-throttle-b');
  });
  afterAll(async () => {
    await Promise.allSettled([replicaA?.quit(), replicaB?.quit()]);
  });

  it('shares the count between replicas, under a digested key that expires with the window', async () => {
    const a = LimiterLoginFailureThrottle.create(replicaA, LIMITS);
    const b = LimiterLoginFailureThrottle.create(replicaB, LIMITS);
    const username = `user-${randomUUID()}@example.org`;
    await a.recordFailure(username);
    await b.recordFailure(username);
    await expect(a.retryAfter(username)).resolves.toBe(0);
    await a.recordFailure(username);
    const wait = await b.retryAfter(username);
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);

    const key = RedisKeys.loginFailuresByUsername(username);
    expect(key).not.toContain(username);
    expect(key).toMatch(/^tl:loginfail:\{[A-Za-z0-9_-]{43}\}$/);
    expect(await replicaA.get(key)).toBe('3');
    const ttl = await replicaA.pttl(key);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('forgets a username on every replica after a success on one', async () => {
    const a = LimiterLoginFailureThrottle.create(replicaA, LIMITS);
    const b = LimiterLoginFailureThrottle.create(replicaB, LIMITS);
    const username = `user-${randomUUID()}`;
    for (let i = 0; i < 3; i++) await a.recordFailure(username);
    await expect(b.retryAfter(username)).resolves.toBeGreaterThan(0);
    await b.forget(username);
    await expect(a.retryAfter(username)).resolves.toBe(0);
    expect(await replicaA.exists(RedisKeys.loginFailuresByUsername(username))).toBe(0);
  });
});
