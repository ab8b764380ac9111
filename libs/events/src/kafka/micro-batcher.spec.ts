import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends what arrives within the linger time as one batch', async () => {
    const flush = jest.fn(async (_: number[]) => undefined);
    const sut = new MicroBatcher(flush, 2, 100);
    const done = Promise.all([sut.add(1), sut.add(2), sut.add(3)]);
    expect(flush).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(2);
    await done;
    expect(flush.mock.calls).toEqual([[[1, 2, 3]]]);
  });

  it('sends at once when the batch is full', async () => {
    const flush = jest.fn(async (_: number[]) => undefined);
    const sut = new MicroBatcher(flush, 1000, 2);
    await Promise.all([sut.add(1), sut.add(2)]);
    expect(flush.mock.calls).toEqual([[[1, 2]]]);
  });

  it('rejects every caller of a failed batch, and only them', async () => {
    const flush = jest
      .fn<Promise<void>, [number[]]>()
      .mockRejectedValueOnce(new Error('broker down'))
      .mockResolvedValue(undefined);
    const sut = new MicroBatcher(flush, 1, 10);
    const failed = [sut.add(1), sut.add(2)].map((p) => p.catch((e: Error) => e.message));
    await jest.advanceTimersByTimeAsync(1);
    await expect(Promise.all(failed)).resolves.toEqual(['broker down', 'broker down']);
    const next = sut.add(3);
    await jest.advanceTimersByTimeAsync(1);
    await expect(next).resolves.toBeUndefined();
  });

  it('drains pending items on demand', async () => {
    const flush = jest.fn(async (_: number[]) => undefined);
    const sut = new MicroBatcher(flush, 10_000, 100);
    const item = sut.add(7);
    await sut.drainAll();
    await item;
    expect(flush).toHaveBeenCalledWith([7]);
  });
});
