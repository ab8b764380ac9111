import { ConfigError } from './config.error';
import { loadRegistrationConfig } from './registration.config';

describe('loadRegistrationConfig', () => {
  it('keeps registration closed by default, with a day-long initial access token', () => {
    expect(loadRegistrationConfig({})).toEqual({
      open: false,
      initialAccessTokenTtl: 86_400,
      initialAccessTokenMaxTtl: 604_800,
      initialAccessTokenMaxUses: 1000,
    });
  });

  it('opens registration only when OPEN_REGISTRATION says so', () => {
    expect(loadRegistrationConfig({ OPEN_REGISTRATION: 'true' }).open).toBe(true);
    expect(() => loadRegistrationConfig({ OPEN_REGISTRATION: 'yes' })).toThrow(/OPEN_REGISTRATION/);
  });

  it('bounds the default lifetime by the maximum, and refuses a default above it', () => {
    const sut = loadRegistrationConfig({ INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS: '3600' });
    expect(sut.initialAccessTokenTtl).toBe(3600);
    expect(() =>
      loadRegistrationConfig({
        INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS: '3600',
        INITIAL_ACCESS_TOKEN_TTL_SECONDS: '7200',
      }),
    ).toThrow(ConfigError);
    expect(() => loadRegistrationConfig({ INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS: '10' })).toThrow(
      /INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS/,
    );
  });
});
