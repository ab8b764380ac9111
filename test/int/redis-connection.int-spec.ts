import type Redis from 'ioredis';
import { Registry, StoreMetrics } from '@app/metrics';
import { connectRedis, openRedis } from '@app/store';
import { freePort } from '../support/free-port';
import { redisUrlForDb } from '../support/int-redis';

const REDIS_DB = 7;

describe('hot-path Redis connection (real Redis)', () => {
  let redis: Redis;

  beforeAll(async () => {
    redis = await openRedis(redisUrlForDb(REDIS_DB), 'coalesce-spec');
  });
  afterAll(() => redis.quit());

  it('sends the commands of one event-loop turn in a single write, and answers each', async () => {
    const socket = redis.stream as unknown as {
      _writev: (...a: unknown[]) => void;
      _write: (...a: unknown[]) => void;
      writableCorked: number;
    };
    const writev = jest.spyOn(socket, '_writev');
    const write = jest.spyOn(socket, '_write');
    try {
      const keys = Array.from({ length: 50 }, (_, i) => `coalesce-spec:${i}`);
      const sets = keys.map((k, i) => redis.set(k, String(i), 'PX', 60_000));
      expect(socket.writableCorked).toBe(1); // held until the turn ends
      await Promise.all(sets);
      expect(socket.writableCorked).toBe(0);
      expect(writev).toHaveBeenCalledTimes(1);
      expect(writev.mock.calls[0]![0]).toHaveLength(50);
      expect(write).not.toHaveBeenCalled();

      await expect(Promise.all(keys.map((k) => redis.get(k)))).resolves.toEqual(
        keys.map((_, i) => String(i)),
      );
    } finally {
      writev.mockRestore();
      write.mockRestore();
    }
  });

  it('holds the commands of separate callbacks of one turn for one write', async () => {
    // Timers due together run in one phase, each callback followed by its own ticks and
    // microtasks, as the HTTP requests read in one poll phase are.
    const socket = redis.stream as unknown as { _writev: (...a: unknown[]) => void };
    const writev = jest.spyOn(socket, '_writev');
    try {
      const keys = Array.from({ length: 5 }, (_, i) => `coalesce-spec:timer:${i}`);
      const sets = await new Promise<Array<Promise<unknown>>>((resolve) => {
        const sent: Array<Promise<unknown>> = [];
        for (const [i, key] of keys.entries())
          setTimeout(() => {
            sent.push(redis.set(key, String(i), 'PX', 60_000));
            if (sent.length === keys.length) resolve(sent);
          }, 0);
      });
      await Promise.all(sets);
      expect(writev).toHaveBeenCalledTimes(1);
      expect(writev.mock.calls[0]![0]).toHaveLength(keys.length);
    } finally {
      writev.mockRestore();
    }
  });

  it('sends a lone command at once, uncorked by the end of its turn', async () => {
    await expect(redis.ping()).resolves.toBe('PONG');
    expect((redis.stream as unknown as { writableCorked: number }).writableCorked).toBe(0);
  });
});

describe('Redis connection errors counted (real Redis)', () => {
  const count = async (registry: Registry, kind: string, connection: string) =>
    (await registry.getSingleMetric('token_lifecycle_redis_errors_total')!.get()).values
      .filter((v) => v.labels.kind === kind && v.labels.connection === connection)
      .reduce((n, v) => n + v.value, 0);

  it('counts a command Redis answers with an error, and not the ones it answers', async () => {
    const registry = new Registry();
    const redis = await openRedis(
      redisUrlForDb(REDIS_DB),
      'errors-spec',
      {},
      new StoreMetrics(registry),
    );
    try {
      await expect(redis.ping()).resolves.toBe('PONG');
      await redis.set('errors-spec:string', 'x', 'PX', 60_000);
      // WRONGTYPE: a list command on a string.
      await expect(redis.lpush('errors-spec:string', 'y')).rejects.toThrow(/WRONGTYPE/);
      expect(await count(registry, 'command', 'errors-spec')).toBe(1);
      expect(await count(registry, 'connection', 'errors-spec')).toBe(0);
    } finally {
      await redis.quit();
    }
  });

  it('counts a command that times out', async () => {
    const registry = new Registry();
    const redis = await openRedis(
      redisUrlForDb(REDIS_DB),
      'timeout-spec',
      { commandTimeout: 50 },
      new StoreMetrics(registry),
    );
    try {
      // Redis answers a 300 ms blocking pop after the 50 ms command timeout has fired.
      await expect(redis.blpop('errors-spec:empty', 0.3)).rejects.toThrow(/timed out/);
      expect(await count(registry, 'command', 'timeout-spec')).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('counts connection errors while Redis cannot be reached, and the commands refused meanwhile', async () => {
    const registry = new Registry();
    const url = new URL(redisUrlForDb(REDIS_DB));
    url.port = String(await freePort());
    const redis = connectRedis(url.toString(), 'unreachable-spec', {}, new StoreMetrics(registry));
    try {
      await expect(redis.connect()).rejects.toThrow();
      await expect(redis.get('anything')).rejects.toThrow();
      expect(await count(registry, 'connection', 'unreachable-spec')).toBeGreaterThanOrEqual(1);
      expect(await count(registry, 'command', 'unreachable-spec')).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});
