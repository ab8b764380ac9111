import type Redis from 'ioredis';
import { openRedis } from '@app/store';
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

  it('sends a lone command at once, uncorked by the end of its turn', async () => {
    await expect(redis.ping()).resolves.toBe('PONG');
    expect((redis.stream as unknown as { writableCorked: number }).writableCorked).toBe(0);
  });
});
