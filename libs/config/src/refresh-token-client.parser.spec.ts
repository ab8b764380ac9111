import { parseRefreshTokenSettings, REFRESH_TOKEN_DEFAULTS } from './refresh-token-client.parser';

const CODE_AND_REFRESH = ['authorization_code', 'refresh_token'];

describe('parseRefreshTokenSettings', () => {
  it('gives the defaults: no grace, 30 days absolute, 14 days idle', () => {
    expect(parseRefreshTokenSettings({}, 'clients[0]', CODE_AND_REFRESH)).toEqual({
      reuseGraceSeconds: 0,
      ttl: 2_592_000,
      idleTtl: 1_209_600,
    });
  });

  it('reads the three fields', () => {
    const c = {
      refresh_token_reuse_grace_seconds: 60,
      refresh_token_ttl: 7200,
      refresh_token_idle_ttl: 600,
    };
    expect(parseRefreshTokenSettings(c, 'clients[0]', CODE_AND_REFRESH)).toEqual({
      reuseGraceSeconds: 60,
      ttl: 7200,
      idleTtl: 600,
    });
  });

  it('caps the default idle lifetime at a shorter absolute one', () => {
    const c = { refresh_token_ttl: 3600 };
    expect(parseRefreshTokenSettings(c, 'p', CODE_AND_REFRESH).idleTtl).toBe(3600);
  });

  it.each([
    ['refresh_token_reuse_grace_seconds', 61],
    ['refresh_token_reuse_grace_seconds', -1],
    ['refresh_token_reuse_grace_seconds', 1.5],
    ['refresh_token_ttl', 0],
    ['refresh_token_ttl', '3600'],
    ['refresh_token_ttl', 31_536_001],
    ['refresh_token_idle_ttl', 0],
    ['refresh_token_idle_ttl', 2_592_001],
  ])('stops on %s = %p, naming the field', (field, value) => {
    expect(() =>
      parseRefreshTokenSettings({ [field]: value }, 'clients[2]', CODE_AND_REFRESH),
    ).toThrow(
      expect.objectContaining({ name: 'ConfigError', field: `clients[2].${field}` }) as Error,
    );
  });

  it('refuses the fields on a client without refresh_token', () => {
    expect(() =>
      parseRefreshTokenSettings({ refresh_token_ttl: 60 }, 'clients[1]', ['authorization_code']),
    ).toThrow(/clients\[1\]\.refresh_token_ttl/);
    expect(parseRefreshTokenSettings({}, 'c', ['authorization_code'])).toBe(REFRESH_TOKEN_DEFAULTS);
  });
});
