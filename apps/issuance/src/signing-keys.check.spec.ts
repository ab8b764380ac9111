import { AppConfig, ClientConfig, ResourceConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { KeyRing } from '@app/tokens';
import { SigningKeysCheck } from './signing-keys.check';

const resource = (identifier: string, over: Partial<ResourceConfig> = {}): ResourceConfig => ({
  identifier,
  scopes: ['x:read'],
  accessTokenFormat: 'jwt',
  accessTokenTtl: 60,
  signingAlg: 'ES256',
  ...over,
});
const codeClient = (clientId: string, over: Partial<ClientConfig> = {}): ClientConfig => ({
  ...SIGN_IN_DEFAULTS,
  clientId,
  authMethod: 'none',
  grantTypes: ['authorization_code'],
  scopes: ['openid'],
  resources: [],
  introspects: [],
  ...over,
});
const config = (resources: ResourceConfig[], clients: ClientConfig[] = []) =>
  ({
    endpoints: { userinfo: 'https://as.example/oauth2/userinfo' },
    signIn: { userinfoTokenTtl: 86_400 },
    registry: { resources, clients, users: [] },
  }) as unknown as AppConfig;

describe('SigningKeysCheck', () => {
  let es256Only: KeyRing;
  beforeAll(async () => {
    es256Only = await KeyRing.generate(['ES256']);
  });

  it('passes when every algorithm needed has a key', () => {
    const c = config(
      [resource('https://a.example')],
      [codeClient('app', { idTokenSignedResponseAlg: 'ES256' })],
    );
    expect(() => new SigningKeysCheck(c, es256Only).onModuleInit()).not.toThrow();
  });

  it('ignores the algorithm of an opaque resource', () => {
    const c = config([
      resource('https://a.example', { accessTokenFormat: 'opaque', signingAlg: 'PS256' }),
    ]);
    expect(() => new SigningKeysCheck(c, es256Only).onModuleInit()).not.toThrow();
  });

  it('stops the start when a resource needs a missing key, naming it', () => {
    const c = config([resource('https://edge.example', { signingAlg: 'EdDSA' })]);
    expect(() => new SigningKeysCheck(c, es256Only).onModuleInit()).toThrow(
      'Invalid configuration: KEYS_FILE: the key set has no EdDSA signing key, which resource https://edge.example needs',
    );
  });

  it('stops the start when a code client’s ID tokens need a missing key (RS256 by default)', () => {
    const c = config([], [codeClient('web-app')]);
    expect(() => new SigningKeysCheck(c, es256Only).onModuleInit()).toThrow(
      /no RS256 signing key, which client web-app needs/,
    );
  });
});
