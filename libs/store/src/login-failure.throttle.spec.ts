import { LimiterLoginFailureThrottle } from './login-failure.throttle';

describe('LimiterLoginFailureThrottle (in memory)', () => {
  const limits = { failuresPerUsername: 3, failureWindowSeconds: 60 };
  const sut = () => LimiterLoginFailureThrottle.create(null, limits);

  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('lets a username try as often as the limit, then asks for the rest of the window', async () => {
    const throttle = sut();
    for (let i = 0; i < 3; i++) await expect(throttle.attempt('alice')).resolves.toBe(0);
    await expect(throttle.attempt('alice')).resolves.toBe(60_000);
    jest.advanceTimersByTime(45_000);
    await expect(throttle.attempt('alice')).resolves.toBe(15_000);
    jest.advanceTimersByTime(15_000);
    await expect(throttle.attempt('alice')).resolves.toBe(0);
  });

  it('refuses all but the allowed number of attempts sent at once', async () => {
    const throttle = sut();
    const waits = await Promise.all(Array.from({ length: 20 }, () => throttle.attempt('bob')));
    expect(waits.filter((w) => w === 0)).toHaveLength(3);
  });

  it('counts each username on its own, whether or not the user exists', async () => {
    const throttle = sut();
    for (let i = 0; i < 3; i++) await throttle.attempt('nobody-by-this-name');
    await expect(throttle.attempt('nobody-by-this-name')).resolves.toBeGreaterThan(0);
    await expect(throttle.attempt('alice')).resolves.toBe(0);
  });

  it('forgets a username after a success', async () => {
    const throttle = sut();
    for (let i = 0; i < 3; i++) await throttle.attempt('carol');
    await throttle.forget('carol');
    for (let i = 0; i < 3; i++) await expect(throttle.attempt('carol')).resolves.toBe(0);
  });
});
