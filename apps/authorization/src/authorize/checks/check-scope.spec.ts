import { checkScope } from './check-scope';
import { LEDGER, ORDERS, paramsOf, registryOf, signInClient } from './checks.fixtures';

describe('checkScope (RFC 6749 §3.3)', () => {
  const client = signInClient();
  const registry = registryOf(client);
  const sut = (scope: string | undefined, resources: string[] = []) =>
    checkScope(registry, client, paramsOf(scope === undefined ? {} : { scope }), resources);

  it('accepts allowed scopes once each, in request order', () => {
    expect(sut('orders:read openid email openid')).toEqual(['orders:read', 'openid', 'email']);
  });

  it('accepts OpenID scopes with any resource, API scopes of the requested resource', () => {
    expect(sut('openid orders:read', [ORDERS.identifier])).toEqual(['openid', 'orders:read']);
  });

  it.each([
    ['missing', undefined, []],
    ['not allowed for the client', 'openid profile', []],
    ['of no resource the request names', 'orders:read', [LEDGER.identifier]],
    ['double-spaced', 'openid  email', []],
    ['with a forbidden character', 'openid "email"', []],
  ])('refuses a scope %s with invalid_scope', (_case, scope, resources) => {
    expect(() => sut(scope, resources)).toThrow(
      expect.objectContaining({ error: 'invalid_scope' }),
    );
  });
});
