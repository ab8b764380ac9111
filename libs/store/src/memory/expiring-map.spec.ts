import { ExpiringMap, SWEEP_SLICE } from './expiring-map';

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

  it('reaches entries added while a pass is under way, and keeps the live ones', () => {
    fill(SWEEP_SLICE + 1, 500);
    jest.advanceTimersByTime(EVERY_MS);
    expect(map.size).toBe(1);
    jest.setSystemTime(1_100);
    map.set('late', 1, 1_200);
    map.set('kept', 2, 60_000);
    jest.setSystemTime(1_300); // 'late' has expired before the slice that reaches it
    jest.advanceTimersToNextTimer();
    expect(map.size).toBe(1);
    expect(map.get('kept')).toBe(2);
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
