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

  it('with no linger, gathers what arrives in the same event-loop turn', async () => {
    jest.useRealTimers();
    const flush = jest.fn(async (_: number[]) => undefined);
    const sut = new MicroBatcher(flush, 0, 100);
    await Promise.all([sut.add(1), sut.add(2), sut.add(3)]);
    expect(flush.mock.calls).toEqual([[[1, 2, 3]]]);
  });

  it('sends what arrived during a batch in flight as the next batch, as soon as it settles', async () => {
    const acks: (() => void)[] = [];
    const flush = jest.fn((_: number[]) => new Promise<void>((resolve) => acks.push(resolve)));
    const sut = new MicroBatcher(flush, 5, 2);
    const first = sut.add(1);
    await jest.advanceTimersByTimeAsync(5);
    expect(flush.mock.calls).toEqual([[[1]]]);

    const later = [sut.add(2), sut.add(3), sut.add(4)];
    await jest.advanceTimersByTimeAsync(50);
    expect(flush).toHaveBeenCalledTimes(1); // one batch in flight at a time, no matter the wait

    acks[0]!();
    await first;
    await jest.advanceTimersByTimeAsync(0); // microtasks only: the linger (5 ms) has not passed
    expect(flush.mock.calls[1]).toEqual([[2, 3]]); // at once, no linger, capped at maxBatch
    acks[1]!();
    await jest.advanceTimersByTimeAsync(0);
    expect(flush.mock.calls[2]).toEqual([[4]]);
    acks[2]!();
    await expect(Promise.all(later)).resolves.toEqual([undefined, undefined, undefined]);
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

  it('drains on demand, including what waits behind a batch in flight', async () => {
    jest.useRealTimers();
    const flush = jest.fn(async (_: number[]) => {
      await new Promise((r) => setTimeout(r, 5));
    });
    const sut = new MicroBatcher(flush, 10_000, 1);
    const items = [sut.add(1), sut.add(2), sut.add(3)];
    await sut.drainAll();
    expect(flush.mock.calls).toEqual([[[1]], [[2]], [[3]]]);
    await Promise.all(items);
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
