import { RegistryConfig } from './config.types';
import { DEV_PAIRWISE_SALT, loadSignInConfig } from './sign-in.config';

const ISSUER = 'https://id.example.com';
const AUTHORIZE = 'https://login-edge.example.com/oauth2/authorize';
const registry = (subjectType: 'public' | 'pairwise'): RegistryConfig =>
  ({ resources: [], users: [], clients: [{ clientId: 'web', subjectType }] }) as never;

describe('loadSignInConfig', () => {
  it('defaults: login and consent pages under the issuer, the documented lifetimes', () => {
    const sut = loadSignInConfig({}, ISSUER, AUTHORIZE, registry('public'), false);
    expect(sut).toMatchObject({
      loginUrl: `${ISSUER}/login`,
      consentUrl: `${ISSUER}/consent`,
      idTokenTtl: 3600,
      userinfoTokenTtl: 86_400,
      codeTtl: 60,
      parTtl: 60,
      interactionTtl: 900,
      loginApp: {
        apiUrl: 'https://login-edge.example.com',
        failuresPerUsername: 5,
        failureWindowSeconds: 300,
      },
    });
  });

  it('takes every variable', () => {
    const sut = loadSignInConfig(
      {
        LOGIN_URL: 'https://accounts.example.com/login',
        CONSENT_URL: 'https://accounts.example.com/consent',
        PAIRWISE_SALT: 'x'.repeat(40),
        ID_TOKEN_TTL_SECONDS: '600',
        USERINFO_TOKEN_TTL_SECONDS: '3600',
        AUTHORIZATION_CODE_TTL_SECONDS: '30',
        LOGIN_API_URL: 'http://authorization:3004',
        LOGIN_CLIENT_ID: 'login-app',
        LOGIN_CLIENT_SECRET: 's3cret',
      },
      ISSUER,
      AUTHORIZE,
      registry('pairwise'),
      true,
    );
    expect(sut).toMatchObject({
      loginUrl: 'https://accounts.example.com/login',
      consentUrl: 'https://accounts.example.com/consent',
      pairwiseSalt: 'x'.repeat(40),
      idTokenTtl: 600,
      userinfoTokenTtl: 3600,
      codeTtl: 30,
      loginApp: {
        apiUrl: 'http://authorization:3004',
        clientId: 'login-app',
        clientSecret: 's3cret',
      },
    });
  });

  it.each([
    [{ LOGIN_URL: 'not a url' }, 'LOGIN_URL'],
    [{ PAIRWISE_SALT: 'short' }, 'PAIRWISE_SALT: must be at least 32 characters'],
    [{ AUTHORIZATION_CODE_TTL_SECONDS: '3600' }, 'AUTHORIZATION_CODE_TTL_SECONDS'],
    [{ ID_TOKEN_TTL_SECONDS: '0' }, 'ID_TOKEN_TTL_SECONDS'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadSignInConfig(env, ISSUER, AUTHORIZE, registry('public'), false)).toThrow(
      message,
    );
  });

  it('uses the public development salt only outside production', () => {
    expect(loadSignInConfig({}, ISSUER, AUTHORIZE, registry('pairwise'), false).pairwiseSalt).toBe(
      DEV_PAIRWISE_SALT,
    );
    expect(() => loadSignInConfig({}, ISSUER, AUTHORIZE, registry('pairwise'), true)).toThrow(
      'PAIRWISE_SALT: is required when NODE_ENV=production and a client is pairwise (web)',
    );
    // No pairwise client: nothing to protect, nothing required.
    expect(() => loadSignInConfig({}, ISSUER, AUTHORIZE, registry('public'), true)).not.toThrow();
  });
});
