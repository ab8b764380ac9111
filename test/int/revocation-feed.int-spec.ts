import Redis from 'ioredis';
import {
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
    const first = (await sut.read('0', 0)).entries;
    expect(first.map((e) => ('revocation' in e ? e.revocation : e.key))).toEqual([
      { kind: 'token', clientId: 'c', jti: 'a', expiresAt: later },
      { kind: 'grant', clientId: 'c', grantId: 'g', expiresAt: later },
    ]);
    await expect(sut.read(first[1]!.id, 0)).resolves.toMatchObject({ entries: [] });
  });

  it('wakes a blocked read as soon as a revocation is written', async () => {
    const store = new RedisRevocationStore(redis, 60_000);
    const [last] = (await sut.read('0', 0)).entries.slice(-1);
    const pending = sut.read(last!.id, 5000);
    const started = Date.now();
    await store.revoke({ kind: 'token', clientId: 'c', jti: 'b', expiresAt: Date.now() + 60_000 });
    const { entries } = await pending;
    expect(entries.map((e) => ('revocation' in e ? e.revocation : e.key))).toMatchObject([
      { jti: 'b' },
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('says the store is complete only while the projection marker is there', async () => {
    await redis.set(RedisKeys.projectionMarker(), 'built');
    await expect(sut.read('0', 0)).resolves.toMatchObject({ complete: true });
    await redis.flushdb(); // Redis came back empty
    await expect(sut.read('0', 0)).resolves.toEqual({ entries: [], complete: false });
    await redis.set(RedisKeys.projectionMarker(), 'rebuilt');
    await expect(sut.read('0', 0)).resolves.toEqual({ entries: [], complete: true });
  });

  it('says a store never marked is incomplete, to a reader that never saw a marker', async () => {
    // A replica that starts while the store is rebuilt: what is there so far is delivered, and
    // not called complete (the log may hold revocations not yet replayed into it).
    const fresh = new RedisRevocationFeed(await openFeedRedis(url, 'feed-spec-fresh', 200));
    try {
      await redis.flushdb();
      const store = new RedisRevocationStore(redis, 60_000);
      await store.revoke({
        kind: 'token',
        clientId: 'c',
        jti: 'r',
        expiresAt: Date.now() + 60_000,
      });
      const batch = await fresh.read('0', 0);
      expect(batch.complete).toBe(false);
      expect(batch.entries).toHaveLength(1);
      // A blocking read reports the marker as it was when the read began.
      const pending = fresh.read(batch.entries[0]!.id, 2000);
      await new Promise((r) => setTimeout(r, 100));
      await redis.set(RedisKeys.projectionMarker(), 'rebuilt');
      await store.revoke({
        kind: 'token',
        clientId: 'c',
        jti: 's',
        expiresAt: Date.now() + 60_000,
      });
      await expect(pending).resolves.toMatchObject({ complete: false, entries: [{}] });
      await expect(fresh.read('0', 0)).resolves.toMatchObject({ complete: true });
    } finally {
      await fresh.close();
    }
  });
});
