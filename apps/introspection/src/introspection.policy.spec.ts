import { ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { AccessTokenClaims } from '@app/tokens';
import { mayIntrospect } from './introspection.policy';

const ORDERS = 'https://orders.example.com';
const LEDGER = 'https://ledger.example.com';

const client = (clientId: string, introspects: string[] = []): ClientConfig => ({
  ...SIGN_IN_DEFAULTS,
  clientId,
  authMethod: 'client_secret_basic',
  grantTypes: [],
  scopes: [],
  resources: [],
  introspects,
});

const claims = (clientId: string, aud: string): AccessTokenClaims => ({
  iss: 'https://as.example.com',
  sub: clientId,
  aud,
  clientId,
  scope: 'orders:read',
  jti: 'jti-1',
  iat: 0,
  nbf: 0,
  exp: 60,
});

describe('mayIntrospect', () => {
  const sut = mayIntrospect;

  it('lets the client the token was issued to learn about it', () => {
    expect(sut(client('svc-a'), claims('svc-a', ORDERS))).toBe(true);
  });

  it('lets a resource server learn about a token for one of the APIs it serves', () => {
    expect(sut(client('orders-api', [LEDGER, ORDERS]), claims('svc-a', ORDERS))).toBe(true);
  });

  it.each([
    ['neither the owner nor listing any API', client('svc-b')],
    ['serving another API only', client('ledger-api', [LEDGER])],
    ['with an id that differs only in case', client('SVC-A')],
    ['listing an API that is a prefix of the audience', client('x', ['https://orders.example'])],
  ])('refuses a client %s', (_case, caller) => {
    expect(sut(caller, claims('svc-a', ORDERS))).toBe(false);
  });
});
