import type { RequestRateLimiter } from '@app/store';

/**
 * The behaviour every RequestRateLimiter adapter must have: the in-memory one (unit tier), the
 * Redis one (int tier) and the Redis Cluster one (ha tier) all run it. Time is real (Redis keeps
 * its own clock): windows are short instead.
 */
export function describeRequestRateContract(name: string, sut: () => RequestRateLimiter): void {
  describe(`RequestRateLimiter contract: ${name}`, () => {
    let n = 0;
    const unique = (p: string) => `${p}-${process.pid}-${Date.now()}-${++n}`;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const allowance = { points: 3, windowSeconds: 1 };
    const byClient = (id = unique('client'), endpoint = 'token') =>
      ({ endpoint, by: 'client', id }) as const;

    it('serves a counter up to its allowance, then asks it to wait out the window', async () => {
      const limiter = sut();
      const counter = byClient();
      for (let i = 0; i < 3; i++)
        await expect(limiter.consume(counter, allowance)).resolves.toBe(0);
      const wait = await limiter.consume(counter, allowance);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(1000);
    });

    it('keeps each endpoint, each kind and each id apart', async () => {
      const limiter = sut();
      const id = unique('shared');
      const counter = byClient(id);
      for (let i = 0; i < 3; i++) await limiter.consume(counter, allowance);
      await expect(limiter.consume(counter, allowance)).resolves.toBeGreaterThan(0);
      await expect(limiter.consume(byClient(id, 'introspection'), allowance)).resolves.toBe(0);
      await expect(
        limiter.consume({ endpoint: 'token', by: 'address', id }, allowance),
      ).resolves.toBe(0);
      await expect(limiter.consume(byClient(), allowance)).resolves.toBe(0);
    });

    it('holds different allowances for different counters at once', async () => {
      const limiter = sut();
      const small = byClient();
      const large = byClient();
      await limiter.consume(small, { points: 1, windowSeconds: 1 });
      await expect(
        limiter.consume(small, { points: 1, windowSeconds: 1 }),
      ).resolves.toBeGreaterThan(0);
      for (let i = 0; i < 5; i++)
        await expect(limiter.consume(large, { points: 5, windowSeconds: 1 })).resolves.toBe(0);
    });

    it('forgets the count once the window has passed', async () => {
      const limiter = sut();
      const counter = byClient();
      for (let i = 0; i < 4; i++) await limiter.consume(counter, allowance);
      await expect(limiter.consume(counter, allowance)).resolves.toBeGreaterThan(0);
      await sleep(1100);
      await expect(limiter.consume(counter, allowance)).resolves.toBe(0);
    });

    it('lets exactly the allowance through of many concurrent requests', async () => {
      const limiter = sut();
      const counter = byClient();
      const waits = await Promise.all(
        Array.from({ length: 50 }, () =>
          limiter.consume(counter, { points: 20, windowSeconds: 5 }),
        ),
      );
      expect(waits.filter((w) => w === 0)).toHaveLength(20);
    });
  });
}
