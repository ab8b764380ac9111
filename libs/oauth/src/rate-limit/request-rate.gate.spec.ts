import type { AppConfig, ClientConfig } from '@app/config';
import { loadRateLimitConfig } from '@app/config';
import { MemoryRequestRateLimiter, RequestRateLimiter } from '@app/store';
import { RateLimited } from '../errors';
import { RequestRateGate } from './request-rate.gate';

const config = (env: Record<string, string>) =>
  ({ rateLimits: loadRateLimitConfig({ RATE_LIMIT_WINDOW_SECONDS: '60', ...env }) }) as AppConfig;
const client = (clientId: string, rateLimit?: ClientConfig['rateLimit']) =>
  ({ clientId, rateLimit }) as ClientConfig;

describe('RequestRateGate', () => {
  it('neither counts nor allocates a promise for an endpoint whose limit is off', () => {
    const limiter: RequestRateLimiter = { consume: jest.fn() };
    const sut = new RequestRateGate(config({}), limiter);
    expect(sut.address('token', '192.0.2.1')).toBeUndefined();
    expect(sut.client('token', client('svc'))).toBeUndefined();
    expect(sut.limitsAddresses).toBe(false);
    expect(limiter.consume).not.toHaveBeenCalled();
  });

  it('refuses an address past its allowance with RateLimited (429, Retry-After)', async () => {
    const sut = new RequestRateGate(
      config({ RATE_LIMIT_TOKEN_PER_ADDRESS: '2' }),
      new MemoryRequestRateLimiter(),
    );
    expect(sut.limitsAddresses).toBe(true);
    await sut.address('token', '192.0.2.1');
    await sut.address('token', '192.0.2.1');
    const refused = await sut.address('token', '192.0.2.1')?.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimited);
    expect(refused).toMatchObject({ status: 429, error: 'temporarily_unavailable' });
    expect(Number((refused as RateLimited).headers['retry-after'])).toBeGreaterThanOrEqual(59);
    // Another address, and the same address at another endpoint, are counted apart.
    await expect(sut.address('token', '192.0.2.2')).resolves.toBeUndefined();
    expect(sut.address('introspection', '192.0.2.1')).toBeUndefined();
  });

  it('counts a client at its own rate_limit, which may lift or lower the default', async () => {
    const sut = new RequestRateGate(
      config({ RATE_LIMIT_INTROSPECTION_PER_CLIENT: '1' }),
      new MemoryRequestRateLimiter(),
    );
    await sut.client('introspection', client('rs-default'));
    await expect(sut.client('introspection', client('rs-default'))).rejects.toBeInstanceOf(
      RateLimited,
    );
    // 0 in its registration: this client is not limited.
    expect(sut.client('introspection', client('rs-free', { introspection: 0 }))).toBeUndefined();
    const generous = client('rs-big', { introspection: 3 });
    for (let i = 0; i < 3; i++) await sut.client('introspection', generous);
    await expect(sut.client('introspection', generous)).rejects.toBeInstanceOf(RateLimited);
    // Limited where only its registration says so.
    const own = client('svc-own', { token: 1 });
    await sut.client('token', own);
    await expect(sut.client('token', own)).rejects.toBeInstanceOf(RateLimited);
  });
});
