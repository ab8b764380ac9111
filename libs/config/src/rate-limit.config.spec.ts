import { ConfigError } from './config.error';
import { loadRateLimitConfig, parseClientRateLimit } from './rate-limit.config';
import { loadSheddingConfig } from './load-shedding.config';

describe('loadRateLimitConfig', () => {
  it('turns every limit off by default, with a one-second window', () => {
    const sut = loadRateLimitConfig({});
    expect(sut.windowSeconds).toBe(1);
    for (const limit of Object.values(sut.endpoints))
      expect(limit).toEqual({ perClient: 0, perAddress: 0 });
  });

  it('reads RATE_LIMIT_<ENDPOINT>_PER_CLIENT and _PER_ADDRESS for each endpoint', () => {
    const sut = loadRateLimitConfig({
      RATE_LIMIT_WINDOW_SECONDS: '10',
      RATE_LIMIT_TOKEN_PER_CLIENT: '100',
      RATE_LIMIT_TOKEN_PER_ADDRESS: '300',
      RATE_LIMIT_PAR_PER_CLIENT: '5',
      RATE_LIMIT_AUTHORIZE_PER_ADDRESS: '20',
      RATE_LIMIT_INTROSPECTION_PER_CLIENT: '1000',
      RATE_LIMIT_REVOCATION_PER_ADDRESS: '7',
      RATE_LIMIT_REGISTRATION_PER_ADDRESS: '3',
    });
    expect(sut).toEqual({
      windowSeconds: 10,
      endpoints: {
        token: { perClient: 100, perAddress: 300 },
        par: { perClient: 5, perAddress: 0 },
        authorize: { perClient: 0, perAddress: 20 },
        introspection: { perClient: 1000, perAddress: 0 },
        revocation: { perClient: 0, perAddress: 7 },
        registration: { perClient: 0, perAddress: 3 },
      },
    });
  });

  it.each([
    ['RATE_LIMIT_TOKEN_PER_CLIENT', '-1'],
    ['RATE_LIMIT_TOKEN_PER_ADDRESS', 'lots'],
    ['RATE_LIMIT_WINDOW_SECONDS', '0'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadRateLimitConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadRateLimitConfig({ [name]: value })).toThrow(name);
  });

  it('refuses a per-client limit at the authorization endpoint, which authenticates no client', () => {
    expect(() => loadRateLimitConfig({ RATE_LIMIT_AUTHORIZE_PER_CLIENT: '10' })).toThrow(
      /RATE_LIMIT_AUTHORIZE_PER_CLIENT.*per address only/,
    );
    expect(
      loadRateLimitConfig({ RATE_LIMIT_AUTHORIZE_PER_CLIENT: '0' }).endpoints.authorize,
    ).toEqual({ perClient: 0, perAddress: 0 });
  });

  it('refuses a per-client limit at the registration endpoint, whose caller has no client yet', () => {
    expect(() => loadRateLimitConfig({ RATE_LIMIT_REGISTRATION_PER_CLIENT: '10' })).toThrow(
      /RATE_LIMIT_REGISTRATION_PER_CLIENT.*per address only/,
    );
  });
});

describe("parseClientRateLimit (a client registration's rate_limit)", () => {
  it('reads the endpoints it names, 0 meaning not limited', () => {
    expect(parseClientRateLimit({ token: 50, introspection: 0 }, 'clients[0].rate_limit')).toEqual({
      token: 50,
      introspection: 0,
    });
    expect(parseClientRateLimit(undefined, 'clients[0].rate_limit')).toBeUndefined();
  });

  it.each([
    [[], 'clients[0].rate_limit'],
    [{ tokens: 5 }, 'clients[0].rate_limit.tokens'],
    [{ token: 1.5 }, 'clients[0].rate_limit.token'],
    [{ token: '5' }, 'clients[0].rate_limit.token'],
    [{ par: -1 }, 'clients[0].rate_limit.par'],
    [{ authorize: 5 }, 'clients[0].rate_limit.authorize'],
    [{ registration: 5 }, 'clients[0].rate_limit.registration'],
  ])('refuses %j at %s', (value, path) => {
    expect(() => parseClientRateLimit(value, 'clients[0].rate_limit')).toThrow(path);
  });
});

describe('loadSheddingConfig', () => {
  it('is off by default and reads SHED_EVENT_LOOP_LAG_MS and SHED_RETRY_AFTER_SECONDS', () => {
    expect(loadSheddingConfig({})).toEqual({ lagMs: 0, retryAfterSeconds: 1 });
    expect(
      loadSheddingConfig({ SHED_EVENT_LOOP_LAG_MS: '200', SHED_RETRY_AFTER_SECONDS: '3' }),
    ).toEqual({ lagMs: 200, retryAfterSeconds: 3 });
    expect(() => loadSheddingConfig({ SHED_EVENT_LOOP_LAG_MS: '-5' })).toThrow(
      'SHED_EVENT_LOOP_LAG_MS',
    );
  });
});
