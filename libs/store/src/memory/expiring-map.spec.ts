import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ExpiringMap, SHARDS, SWEEP_SLICE, shardOf } from './expiring-map';

describe('ExpiringMap sweep', () => {
  const EVERY_MS = 1_000;
  let map: ExpiringMap<number>;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    map = new ExpiringMap<number>(EVERY_MS);
  });

  afterEach(() => {
    map.close();
    jest.useRealTimers();
  });

  const fill = (count: number, expiresAt: number, prefix = 'k') => {
    for (let i = 0; i < count; i++) map.set(`${prefix}${i}`, i, expiresAt);
  };

  it('removes entries nobody reads once their deadline has passed', () => {
    fill(10, 500);
    fill(5, 60_000, 'live');
    jest.advanceTimersByTime(EVERY_MS);
    expect(map.size).toBe(5);
    expect(map.get('live3')).toBe(3);
  });

  it('sweeps a large map one slice per turn, letting the event loop run in between', () => {
    fill(2 * SWEEP_SLICE + SWEEP_SLICE / 2, 500);
    const sizes: number[] = [];
    jest.advanceTimersByTime(EVERY_MS); // the pass starts: its first slice runs in the timer
    sizes.push(map.size);
    // Each later slice is an immediate of its own: one timer step runs exactly one of them.
    while (jest.getTimerCount() > 1) {
      jest.advanceTimersToNextTimer();
      sizes.push(map.size);
    }
    expect(sizes).toEqual([1.5 * SWEEP_SLICE, 0.5 * SWEEP_SLICE, 0]);
  });

  /** A key of the form `${prefix}${n}` in the given map of the spread. */
  const keyIn = (shard: number, prefix: string) => {
    for (let n = 0; ; n++) if (shardOf(`${prefix}${n}`) === shard) return `${prefix}${n}`;
  };

  it('reaches entries added to a map the pass has yet to finish, and keeps the live ones', () => {
    fill(SWEEP_SLICE + 1, 500);
    jest.advanceTimersByTime(EVERY_MS);
    expect(map.size).toBe(1); // the one left is in the last map holding any: the pass is there
    jest.setSystemTime(1_100);
    map.set(keyIn(SHARDS - 1, 'late'), 1, 1_200);
    map.set('kept', 2, 60_000);
    jest.setSystemTime(1_300); // 'late' has expired before the slice that reaches it
    jest.advanceTimersToNextTimer();
    expect(map.size).toBe(1);
    expect(map.get('kept')).toBe(2);
  });

  it('leaves an entry added behind the pass to the next pass', () => {
    fill(SWEEP_SLICE + 1, 500);
    jest.advanceTimersByTime(EVERY_MS);
    jest.setSystemTime(1_100);
    map.set(keyIn(0, 'behind'), 1, 1_200); // the first map: this pass has left it
    jest.setSystemTime(1_300);
    jest.advanceTimersToNextTimer(); // the rest of this pass
    expect(map.size).toBe(1);
    jest.advanceTimersByTime(EVERY_MS); // the next pass
    expect(map.size).toBe(0);
  });

  it('stops a pass under way on close()', () => {
    fill(3 * SWEEP_SLICE, 500);
    jest.advanceTimersByTime(EVERY_MS);
    expect(map.size).toBe(2 * SWEEP_SLICE);
    map.close();
    jest.advanceTimersByTime(10 * EVERY_MS);
    expect(map.size).toBe(2 * SWEEP_SLICE);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('ExpiringMap spread', () => {
  // The keys large stores hold: digests behind a prefix, ids of random bytes, UUIDs, and
  // sequential ids, the worst case of a hash of the last characters.
  const KINDS = {
    'token digests': () => createHash('sha256').update(randomBytes(32)).digest('base64url'),
    'revocations by jti': () => `tl:rev:{svc-a}:jti:${randomBytes(16).toString('base64url')}`,
    UUIDs: () => randomUUID(),
    'sequential ids': (i: number) => `grant-${i}`,
  } as const;

  it.each(Object.keys(KINDS) as (keyof typeof KINDS)[])(
    'spreads %s evenly over the maps',
    (kind) => {
      const map = new ExpiringMap<number>();
      const total = 32_000;
      for (let i = 0; i < total; i++) map.set(KINDS[kind](i), i, Date.now() + 60_000);
      const sizes = map.shardSizes();
      map.close();
      // No map holds more than a fortieth of the entries: a growth rehashes no more than that.
      expect(Math.max(...sizes)).toBeLessThan(total / 40);
      // And the spread is even: within 30 % of the mean either way.
      expect(Math.max(...sizes)).toBeLessThan((1.3 * total) / SHARDS);
      expect(Math.min(...sizes)).toBeGreaterThan((0.7 * total) / SHARDS);
    },
  );

  it('treats an entry past its deadline as absent in every read, and drops it on the way', () => {
    jest.useFakeTimers({ now: 0 });
    const map = new ExpiringMap<number>(60_000);
    for (const key of ['get', 'take', 'nx', 'pexpiretime']) map.set(key, 1, 500);
    map.set('live', 2, 900);
    jest.setSystemTime(500);
    expect(map.get('get')).toBeUndefined();
    expect(map.take('take')).toBeUndefined();
    expect(map.expiresAt('pexpiretime')).toBeUndefined();
    expect(map.setIfAbsent('nx', 3, 900)).toBe(true);
    expect(map.get('nx')).toBe(3);
    expect(map.setIfAbsent('live', 4, 900)).toBe(false);
    expect(map.take('live')).toBe(2);
    expect(map.take('live')).toBeUndefined();
    // Only 'nx' is left, without any sweep having run.
    expect(map.size).toBe(1);
    // A deadline already past stores nothing; the key was absent, so SET NX still says true.
    expect(map.setIfAbsent('gone', 5, 400)).toBe(true);
    expect(map.get('gone')).toBeUndefined();
    map.close();
    jest.useRealTimers();
  });

  it('finds, takes and expires each key in its own map', () => {
    jest.useFakeTimers({ now: 0 });
    const map = new ExpiringMap<number>(1_000);
    for (let i = 0; i < 2 * SHARDS; i++) map.set(`k${i}`, i, i % 2 ? 60_000 : 500);
    expect(map.take('k3')).toBe(3);
    expect(map.get('k3')).toBeUndefined();
    expect(map.expiresAt('k5')).toBe(60_000);
    jest.advanceTimersByTime(1_000);
    expect(map.size).toBe(SHARDS - 1);
    expect(map.shardSizes().reduce((a, b) => a + b, 0)).toBe(SHARDS - 1);
    map.close();
    jest.useRealTimers();
  });
});
