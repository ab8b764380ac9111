import { MemoryAuthFailureThrottle } from './memory-auth-failure.throttle';

describe('MemoryAuthFailureThrottle', () => {
  const limits = { failuresPerClient: 3, failuresPerAddress: 10, windowSeconds: 60 };
  const attempt = { clientId: 'svc-a', address: '192.0.2.7' };

  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('asks for the rest of the window once the limit is reached, and forgets it after', async () => {
    const sut = new MemoryAuthFailureThrottle(limits);
    for (let i = 0; i < 3; i++) await sut.recordFailure(attempt);
    await expect(sut.retryAfter(attempt)).resolves.toBe(60_000);
    jest.advanceTimersByTime(45_000);
    await expect(sut.retryAfter(attempt)).resolves.toBe(15_000);
    jest.advanceTimersByTime(15_000);
    await expect(sut.retryAfter(attempt)).resolves.toBe(0);
  });

  it('starts the window at the first failure, not at the last', async () => {
    const sut = new MemoryAuthFailureThrottle(limits);
    await sut.recordFailure(attempt);
    jest.advanceTimersByTime(50_000);
    await sut.recordFailure(attempt);
    await sut.recordFailure(attempt);
    await expect(sut.retryAfter(attempt)).resolves.toBe(10_000);
  });

  it('answers with the longer wait when both the client id and the address are over', async () => {
    const sut = new MemoryAuthFailureThrottle({ ...limits, failuresPerAddress: 3 });
    await sut.recordFailure({ address: attempt.address });
    jest.advanceTimersByTime(20_000);
    for (let i = 0; i < 3; i++) await sut.recordFailure(attempt);
    // The address filled up 20 s before the client id did: the id's window ends later.
    await expect(sut.retryAfter(attempt)).resolves.toBe(60_000);
  });

  it('does not count a check as a failure', async () => {
    const sut = new MemoryAuthFailureThrottle(limits);
    for (let i = 0; i < 10; i++) await sut.retryAfter(attempt);
    await sut.recordFailure(attempt);
    await expect(sut.retryAfter(attempt)).resolves.toBe(0);
  });
});
