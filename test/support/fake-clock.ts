/**
 * Moves the wall clock (`Date`) forward without sleeping. The server runs in this jest
 * environment, so it reads the same `Date`. Only `Date` is faked: timers, ticks and I/O stay
 * real so that HTTP keeps flowing.
 */
const REAL_APIS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

export const fakeClock = {
  /** Freezes `Date` at the current instant. */
  freeze(): void {
    jest.useFakeTimers({ doNotFake: [...REAL_APIS], now: Date.now() });
  },

  advanceSeconds(seconds: number): void {
    jest.setSystemTime(Date.now() + seconds * 1000);
  },

  /** Sets the clock to a NumericDate (seconds since the epoch), as in a token's `exp`. */
  setEpochSeconds(seconds: number): void {
    jest.setSystemTime(seconds * 1000);
  },

  restore(): void {
    jest.useRealTimers();
  },
};
