import { AppConfig, ResourceConfig } from '@app/config';
import { FormParams } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { codeAudience, GrantedAudience } from './code-audience';

const USERINFO = 'https://as.example.com/oauth2/userinfo';
const resource = (identifier: string, scopes: string[]): ResourceConfig => ({
  identifier,
  scopes,
  accessTokenFormat: 'jwt',
  accessTokenTtl: 900,
  signingAlg: 'ES256',
});
const ORDERS = resource('https://orders.example.com', ['orders:read']);
const LEDGER = resource('https://ledger.example.com', ['ledger:read']);
const OTHER = resource('https://other.example.com', ['other:read']);

const config = {
  endpoints: { userinfo: USERINFO },
  signIn: { userinfoTokenTtl: 86_400 },
} as AppConfig;
const registry = new ClientRegistry({ clients: [], resources: [ORDERS, LEDGER, OTHER], users: [] });
const granted: GrantedAudience = {
  scopes: ['openid', 'orders:read', 'ledger:read'],
  resources: [ORDERS.identifier, LEDGER.identifier],
};
const withResources = (...ids: string[]) =>
  FormParams.parse(
    'application/x-www-form-urlencoded',
    ids.map((id) => `resource=${encodeURIComponent(id)}`).join('&'),
  );
const sut = (form: FormParams, code: GrantedAudience = granted) =>
  codeAudience(config, registry, code, form);

describe('codeAudience (RFC 8707 §2)', () => {
  it('serves the first granted resource when the request names none', () => {
    expect(sut(withResources())).toEqual({ resource: ORDERS, scopes: ['openid', 'orders:read'] });
  });

  it('serves the granted resource the request names', () => {
    expect(sut(withResources(LEDGER.identifier))).toEqual({
      resource: LEDGER,
      scopes: ['openid', 'ledger:read'],
    });
  });

  it('serves the same resource named twice as that one resource', () => {
    expect(sut(withResources(LEDGER.identifier, LEDGER.identifier)).resource).toBe(LEDGER);
  });

  it.each([
    ['two granted resources', [ORDERS.identifier, LEDGER.identifier]],
    ['a granted one and one not granted', [ORDERS.identifier, OTHER.identifier]],
    ['the same one around another', [LEDGER.identifier, ORDERS.identifier, LEDGER.identifier]],
  ])('refuses %s with invalid_target: one token carries one audience', (_, ids) => {
    expect(() => sut(withResources(...ids))).toThrow(
      expect.objectContaining({
        error: 'invalid_target',
        description: expect.stringContaining('one resource'),
      }),
    );
  });

  it('refuses a resource the code was not granted for', () => {
    expect(() => sut(withResources(OTHER.identifier))).toThrow(
      expect.objectContaining({ error: 'invalid_target' }),
    );
  });

  it('serves /userinfo when no resource was granted', () => {
    const openIdOnly = { scopes: ['openid', 'email'], resources: [] };
    expect(sut(withResources(), openIdOnly)).toMatchObject({
      resource: { identifier: USERINFO },
      scopes: ['openid', 'email'],
    });
  });
});
