import { parseRegistryFile, TOKEN_EXCHANGE } from '@app/config';
import { FormParams } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { exchangeTarget } from './exchange-target';
import { PresentedToken } from './presented-token';

const ORDERS = 'https://orders.example';
const LEDGER = 'https://ledger.example';
const ADMIN = 'https://admin.example';
const registry = new ClientRegistry(
  parseRegistryFile({
    resources: [
      { identifier: ORDERS, scopes: ['orders:read', 'orders:write'] },
      { identifier: LEDGER, scopes: ['ledger:read', 'ledger:write'] },
      { identifier: ADMIN, scopes: ['admin:all'] },
    ],
    clients: [
      {
        client_id: 'orders-api',
        client_secret: 'a-long-enough-secret',
        grant_types: [TOKEN_EXCHANGE],
        scope: 'ledger:read',
        resources: [LEDGER],
        token_exchange: { audiences: [ORDERS, LEDGER], delegation: true },
      },
    ],
  }),
);
const client = registry.client('orders-api')!;
const policy = client.tokenExchange!;
const subject: PresentedToken = {
  sub: 'user-1',
  clientId: 'web',
  aud: ORDERS,
  scopes: ['orders:read', 'orders:write'],
  jti: 'j',
  exp: 9_999_999_999,
};
const form = (fields: Record<string, string> = {}) =>
  FormParams.parse('application/x-www-form-urlencoded', new URLSearchParams(fields).toString());
const sut = (fields?: Record<string, string>) =>
  exchangeTarget(registry, client, policy, subject, form(fields));
const error = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { error: string }).error;
  }
  return 'none';
};

describe('exchangeTarget (RFC 8693 §2.1 resource/audience and scope)', () => {
  it("defaults to the subject token's audience and everything it carried", () => {
    const target = sut();
    expect(target.resource.identifier).toBe(ORDERS);
    expect(target.scopes).toEqual(['orders:read', 'orders:write']);
  });

  it('narrows the scope at the subject token’s own audience, never widens it', () => {
    expect(sut({ scope: 'orders:read orders:read' }).scopes).toEqual(['orders:read']);
    expect(error(() => sut({ scope: 'orders:read admin:all' }))).toBe('invalid_scope');
    expect(error(() => sut({ scope: 'orders:read  orders:write' }))).toBe('invalid_scope');
  });

  it("gives another audience only the client's own scopes there", () => {
    const byResource = sut({ resource: LEDGER });
    expect(byResource.resource.identifier).toBe(LEDGER);
    expect(byResource.scopes).toEqual(['ledger:read']);
    expect(sut({ audience: LEDGER, scope: 'ledger:read' }).scopes).toEqual(['ledger:read']);
    // Defined by the resource, but not the client's; and the subject's scope elsewhere.
    expect(error(() => sut({ audience: LEDGER, scope: 'ledger:write' }))).toBe('invalid_scope');
    expect(error(() => sut({ audience: LEDGER, scope: 'orders:read' }))).toBe('invalid_scope');
  });

  it.each([
    ['a resource outside the policy', { audience: ADMIN }],
    ['an unknown audience', { audience: 'https://nowhere.example' }],
    ['a logical audience name', { audience: 'ledger' }],
    ['resource and audience that differ', { resource: ORDERS, audience: LEDGER }],
  ])('refuses %s with invalid_target', (_, fields) => {
    expect(error(() => sut(fields))).toBe('invalid_target');
  });

  it("treats every target of an external issuer's token as another audience, named by the request", () => {
    const { aud: _, ...rest } = subject;
    const external: PresentedToken = { ...rest, scopes: [], issuer: 'https://idp' };
    const at = (fields?: Record<string, string>) =>
      exchangeTarget(registry, client, policy, external, form(fields));
    expect(error(() => at())).toBe('invalid_target');
    expect(at({ resource: LEDGER })).toMatchObject({ scopes: ['ledger:read'] });
    expect(error(() => at({ resource: LEDGER, scope: 'ledger:write' }))).toBe('invalid_scope');
    // The client has no scope of its own at the orders API: nothing to exchange into there.
    expect(error(() => at({ resource: ORDERS }))).toBe('invalid_scope');
  });

  it('takes resource and audience naming the same target', () => {
    expect(sut({ resource: LEDGER, audience: LEDGER }).resource.identifier).toBe(LEDGER);
  });
});
