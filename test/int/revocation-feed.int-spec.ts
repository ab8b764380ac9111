import Redis from 'ioredis';
import {
  FeedNotCurrent,
  openFeedRedis,
  openRedis,
  RedisKeys,
  RedisRevocationFeed,
  RedisRevocationStore,
} from '@app/store';

// A database of its own: this suite deletes the projection marker.
const url = (() => {
  const u = new URL(process.env.REDIS_URL!);
  u.pathname = '/12';
  return u.toString();
})();

describe('RedisRevocationFeed', () => {
  let redis: Redis;
  let sut: RedisRevocationFeed;

  beforeAll(async () => {
    redis = await openRedis(url, 'feed-spec');
    await redis.flushdb();
    sut = new RedisRevocationFeed(await openFeedRedis(url, 'feed-spec-reader', 200));
  });
  afterAll(async () => {
    await sut.close();
    await redis.quit();
  });

  it('delivers revocations in order and resumes after the last id it saw', async () => {
    const store = new RedisRevocationStore(redis, 60_000);
    const later = Date.now() + 60_000;
    await store.revoke({ kind: 'token', clientId: 'c', jti: 'a', expiresAt: later });
    await store.revoke({ kind: 'grant', clientId: 'c', grantId: 'g', expiresAt: later });
    const first = await sut.read('0', 0);
    expect(first.map((e) => ('revocation' in e ? e.revocation : e.key))).toEqual([
      { kind: 'token', clientId: 'c', jti: 'a', expiresAt: later },
      { kind: 'grant', clientId: 'c', grantId: 'g', expiresAt: later },
    ]);
    await expect(sut.read(first[1]!.id, 0)).resolves.toEqual([]);
  });

  it('wakes a blocked read as soon as a revocation is written', async () => {
    const store = new RedisRevocationStore(redis, 60_000);
    const [last] = (await sut.read('0', 0)).slice(-1);
    const pending = sut.read(last!.id, 5000);
    const started = Date.now();
    await store.revoke({ kind: 'token', clientId: 'c', jti: 'b', expiresAt: Date.now() + 60_000 });
    const entries = await pending;
    expect(entries.map((e) => ('revocation' in e ? e.revocation : e.key))).toMatchObject([
      { jti: 'b' },
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses to vouch for a store that lost its projection marker after having had it', async () => {
    await redis.set(RedisKeys.projectionMarker(), 'built');
    await expect(sut.read('0', 0)).resolves.toBeDefined();
    await redis.flushdb(); // Redis came back empty
    await expect(sut.read('0', 0)).rejects.toBeInstanceOf(FeedNotCurrent);
    await redis.set(RedisKeys.projectionMarker(), 'rebuilt');
    await expect(sut.read('0', 0)).resolves.toEqual([]);
  });
});
