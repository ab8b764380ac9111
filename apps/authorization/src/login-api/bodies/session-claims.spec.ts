import { InvalidRequest } from '@app/oauth';
import { MAX_CLAIMS_BYTES, sessionClaims } from './session-claims';

describe('sessionClaims', () => {
  it('is empty claims when absent or null', () => {
    const none = { idTokenClaims: {}, userinfoClaims: {} };
    expect(sessionClaims(undefined)).toEqual(none);
    expect(sessionClaims(null)).toEqual(none);
    expect(sessionClaims({})).toEqual(none);
    expect(sessionClaims({ id_token: null })).toEqual(none);
  });

  it('keeps JSON claims, nested ones (address) included', () => {
    const userinfo = {
      email: 'a@example.com',
      email_verified: true,
      address: { country: 'FR', street_address: '1 rue\nBât. B' },
      updated_at: 1700000000,
      groups: ['a', null],
    };
    expect(sessionClaims({ id_token: { name: 'A' }, userinfo })).toEqual({
      idTokenClaims: { name: 'A' },
      userinfoClaims: userinfo,
    });
  });

  it('stores a copy: a caller changing its object later changes nothing', () => {
    const userinfo = { name: 'A' };
    const sut = sessionClaims({ userinfo });
    userinfo.name = 'B';
    expect(sut.userinfoClaims).toEqual({ name: 'A' });
  });

  it.each([
    ['an array', []],
    ['a string', 'claims'],
    ['a class instance', new Date()],
    ['a function value', { f: () => 1 }],
    ['NaN', { n: NaN }],
    ['undefined inside', { u: [undefined] }],
    ['a bigint', { b: BigInt(1) }],
    ['nesting past 4 levels', { a: { b: { c: { d: { e: 1 } } } } }],
  ])('refuses %s (an in-process caller could pass it)', (_what, id_token) => {
    expect(() => sessionClaims({ id_token })).toThrow(
      new InvalidRequest('session.id_token must be a JSON object of claims'),
    );
  });

  it('refuses claims larger than the bound, counted in UTF-8 bytes', () => {
    const fits = { name: 'x'.repeat(MAX_CLAIMS_BYTES - '{"name":""}'.length) };
    expect(sessionClaims({ userinfo: fits }).userinfoClaims).toEqual(fits);
    // Two bytes per é: under the bound in characters, over it in bytes.
    const wide = { name: 'é'.repeat(MAX_CLAIMS_BYTES / 2) };
    expect(() => sessionClaims({ userinfo: wide })).toThrow(
      `session.userinfo must be at most ${MAX_CLAIMS_BYTES} bytes as JSON`,
    );
  });

  it('refuses a session field other than id_token and userinfo', () => {
    expect(() => sessionClaims({ access_token: {} })).toThrow(
      'session has a field this request does not take; it takes only id_token, userinfo',
    );
    expect(() => sessionClaims([])).toThrow('session must be a JSON object');
  });
});
