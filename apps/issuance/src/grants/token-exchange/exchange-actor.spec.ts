import { ClientConfig, TokenExchangePolicy } from '@app/config';
import { MAX_ACT_DEPTH } from '@app/tokens';
import { actingParty, checkMayAct, exchangedAct, exchangeKind } from './exchange-actor';
import { PresentedToken } from './presented-token';

const policy = (delegation: boolean, impersonation: boolean): TokenExchangePolicy => ({
  audiences: ['https://ledger.example'],
  delegation,
  impersonation,
});
const client = { clientId: 'orders-api' } as ClientConfig;
const token = (over: Partial<PresentedToken> = {}): PresentedToken => ({
  sub: 'user-1',
  clientId: 'web',
  aud: 'https://orders.example',
  scopes: ['orders:read'],
  jti: 'j',
  exp: 9_999_999_999,
  ...over,
});
const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { error: string }).error;
  }
  return 'none';
};

describe('exchangeKind: the request says which, the policy whether (RFC 8693 §1.1)', () => {
  it('is delegation with an actor_token, impersonation without', () => {
    expect(exchangeKind(policy(true, true), true)).toBe('delegation');
    expect(exchangeKind(policy(true, true), false)).toBe('impersonation');
  });

  it('refuses a way the policy does not allow: unauthorized_client', () => {
    expect(errorOf(() => exchangeKind(policy(false, true), true))).toBe('unauthorized_client');
    expect(errorOf(() => exchangeKind(policy(true, false), false))).toBe('unauthorized_client');
  });
});

describe('actingParty', () => {
  it("is the client itself when impersonating, the actor token's subject when delegating", () => {
    expect(actingParty(client, undefined)).toEqual({ sub: 'orders-api' });
    expect(actingParty(client, token({ sub: 'orders-api', clientId: 'orders-api' }))).toEqual({
      sub: 'orders-api',
    });
    expect(actingParty(client, token({ sub: 'svc-user', clientId: 'orders-api' }))).toEqual({
      sub: 'svc-user',
      clientId: 'orders-api',
    });
  });

  it("refuses another client's token as the actor: invalid_request (RFC 8693 §2.2.2)", () => {
    expect(errorOf(() => actingParty(client, token({ clientId: 'someone-else' })))).toBe(
      'invalid_request',
    );
  });

  it("refuses an external issuer's token as the actor, even one naming the client", () => {
    const external = token({ clientId: 'orders-api', issuer: 'https://idp.example' });
    expect(errorOf(() => actingParty(client, external))).toBe('invalid_request');
  });
});

describe('checkMayAct (RFC 8693 §4.4)', () => {
  it('lets anyone act when the subject token names no one', () => {
    expect(() => checkMayAct(token(), { sub: 'x' })).not.toThrow();
  });

  it('lets the named party act, by sub and (when named) client_id', () => {
    const subject = token({ mayAct: { sub: 'orders-api' } });
    expect(() => checkMayAct(subject, { sub: 'orders-api' })).not.toThrow();
    const both = token({ mayAct: { sub: 'svc-user', clientId: 'orders-api' } });
    expect(() => checkMayAct(both, { sub: 'svc-user', clientId: 'orders-api' })).not.toThrow();
  });

  it.each([
    ['another subject', { sub: 'payments-api' }, { sub: 'orders-api' }],
    [
      'the right subject of another client',
      { sub: 'svc-user', clientId: 'other' },
      { sub: 'svc-user', clientId: 'orders-api' },
    ],
  ])('refuses %s: invalid_request', (_, mayAct, acting) => {
    expect(errorOf(() => checkMayAct(token({ mayAct }), acting))).toBe('invalid_request');
  });
});

describe('exchangedAct (RFC 8693 §4.1)', () => {
  it('names the actor, nesting the chain the subject token carried', () => {
    expect(exchangedAct('delegation', token(), { sub: 'orders-api' })).toEqual({
      sub: 'orders-api',
    });
    const chained = token({ act: { sub: 'orders-api' } });
    expect(exchangedAct('delegation', chained, { sub: 'ledger-api' })).toEqual({
      sub: 'ledger-api',
      act: { sub: 'orders-api' },
    });
  });

  it('adds no actor when impersonating, keeping the earlier ones', () => {
    expect(exchangedAct('impersonation', token(), { sub: 'orders-api' })).toBeUndefined();
    const chained = token({ act: { sub: 'orders-api' } });
    expect(exchangedAct('impersonation', chained, { sub: 'ledger-api' })).toEqual({
      sub: 'orders-api',
    });
  });

  it(`refuses a chain longer than ${MAX_ACT_DEPTH}: invalid_request`, () => {
    let act = { sub: 'a1' } as PresentedToken['act'];
    for (let i = 2; i <= MAX_ACT_DEPTH; i++) act = { sub: `a${i}`, act };
    expect(errorOf(() => exchangedAct('delegation', token({ act }), { sub: 'one-more' }))).toBe(
      'invalid_request',
    );
  });
});
