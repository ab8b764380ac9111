import { actClaimJson, actDepth, actSubjects, MAX_ACT_DEPTH, parseActClaim } from './act.claim';

describe('act claim (RFC 8693 §4.1)', () => {
  const chain = { sub: 'ledger', act: { sub: 'orders', client_id: 'orders-app' } };

  it('reads a nested chain and writes it back in the wire form', () => {
    const sut = parseActClaim(chain);
    expect(sut).toEqual({ sub: 'ledger', act: { sub: 'orders', clientId: 'orders-app' } });
    expect(actClaimJson(sut!)).toEqual(chain);
    expect(actDepth(sut!)).toBe(2);
    expect(actSubjects(sut!)).toEqual(['ledger', 'orders']);
  });

  it('is undefined when absent', () => {
    expect(parseActClaim(undefined)).toBeUndefined();
    expect(actDepth(undefined)).toBe(0);
  });

  it.each([
    ['a string', 'ledger'],
    ['an array', [{ sub: 'x' }]],
    ['no sub', { client_id: 'x' }],
    ['an empty sub', { sub: '' }],
    ['a numeric client_id', { sub: 'x', client_id: 7 }],
    ['an unknown member', { sub: 'x', iss: 'https://elsewhere' }],
    ['a malformed inner actor', { sub: 'x', act: { sub: 3 } }],
  ])('refuses %s', (_, value) => {
    expect(parseActClaim(value)).toBeNull();
  });

  it(`refuses a chain deeper than ${MAX_ACT_DEPTH}`, () => {
    const deep = (n: number): object =>
      n === 1 ? { sub: 's1' } : { sub: `s${n}`, act: deep(n - 1) };
    expect(parseActClaim(deep(MAX_ACT_DEPTH))).not.toBeNull();
    expect(parseActClaim(deep(MAX_ACT_DEPTH + 1))).toBeNull();
  });
});
