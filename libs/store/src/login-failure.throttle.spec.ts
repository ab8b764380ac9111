import { LimiterLoginFailureThrottle } from './login-failure.throttle';

describe('LimiterLoginFailureThrottle (in memory)', () => {
  const limits = { failuresPerUsername: 3, failureWindowSeconds: 60 };
  const sut = () => LimiterLoginFailureThrottle.create(null, limits);

  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('lets a username try until its failures reach the limit, then asks for the rest of the window', async () => {
    const throttle = sut();
    for (let i = 0; i < 2; i++) await throttle.recordFailure('alice');
    await expect(throttle.retryAfter('alice')).resolves.toBe(0);
    await throttle.recordFailure('alice');
    await expect(throttle.retryAfter('alice')).resolves.toBe(60_000);
    jest.advanceTimersByTime(45_000);
    await expect(throttle.retryAfter('alice')).resolves.toBe(15_000);
    jest.advanceTimersByTime(15_000);
    await expect(throttle.retryAfter('alice')).resolves.toBe(0);
  });

  it('counts each username on its own, whether or not the user exists', async () => {
    const throttle = sut();
    for (let i = 0; i < 3; i++) await throttle.recordFailure('nobody-by-this-name');
    await expect(throttle.retryAfter('nobody-by-this-name')).resolves.toBeGreaterThan(0);
    await expect(throttle.retryAfter('alice')).resolves.toBe(0);
    await expect(throttle.retryAfter('Nobody-by-this-name')).resolves.toBe(0);
  });

  it('does not count a check as a failure, and forgets a username after a success', async () => {
    const throttle = sut();
    for (let i = 0; i < 10; i++) await throttle.retryAfter('bob');
    for (let i = 0; i < 2; i++) await throttle.recordFailure('bob');
    await throttle.forget('bob');
    await throttle.recordFailure('bob');
    await throttle.recordFailure('bob');
    await expect(throttle.retryAfter('bob')).resolves.toBe(0);
  });
});
