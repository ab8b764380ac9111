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

  it('lets through only the allowed number of attempts sent at once to two replicas', async () => {
    const a = LimiterLoginFailureThrottle.create(replicaA, LIMITS);
    const b = LimiterLoginFailureThrottle.create(replicaB, LIMITS);
    const username = `user-${randomUUID()}`;
    const waits = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).attempt(username)),
    );
    expect(waits.filter((w) => w === 0)).toHaveLength(LIMITS.failuresPerUsername);
  });

  it('shares the count between replicas, under a digested key that expires with the window', async () => {
    const a = LimiterLoginFailureThrottle.create(replicaA, LIMITS);
    const b = LimiterLoginFailureThrottle.create(replicaB, LIMITS);
    const username = `user-${randomUUID()}@example.org`;
    await expect(a.attempt(username)).resolves.toBe(0);
    await expect(b.attempt(username)).resolves.toBe(0);
    await expect(a.attempt(username)).resolves.toBe(0);
    const wait = await b.attempt(username);
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);

    const key = RedisKeys.loginFailuresByUsername(username);
    expect(key).not.toContain(username);
    expect(key).toMatch(/^tl:loginfail:\{[A-Za-z0-9_-]{43}\}$/);
    expect(await replicaA.get(key)).toBe('4');
    const ttl = await replicaA.pttl(key);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('forgets a username on every replica after a success on one', async () => {
    const a = LimiterLoginFailureThrottle.create(replicaA, LIMITS);
    const b = LimiterLoginFailureThrottle.create(replicaB, LIMITS);
    const username = `user-${randomUUID()}`;
    for (let i = 0; i < 3; i++) await a.attempt(username);
    await expect(b.attempt(username)).resolves.toBeGreaterThan(0);
    await b.forget(username);
    expect(await replicaA.exists(RedisKeys.loginFailuresByUsername(username))).toBe(0);
    await expect(a.attempt(username)).resolves.toBe(0);
  });
});
