import { releasedClaims, SCOPE_CLAIMS, STANDARD_CLAIMS } from './released-claims';

/** A user record holding a claim of every scope, a custom claim and protocol-looking names. */
const ALICE: Readonly<Record<string, unknown>> = {
  name: 'Alice Liddell',
  given_name: 'Alice',
  family_name: 'Liddell',
  preferred_username: 'alice',
  updated_at: 1_700_000_000,
  email: 'alice@example.com',
  email_verified: true,
  address: { locality: 'Oxford', country: 'GB' },
  phone_number: '+44 1865 000000',
  phone_number_verified: false,
  employee_number: 'E-42',
  sub: 'someone-else',
  iss: 'https://evil.example',
  nonce: 'n-0S6_WzA2Mj',
  scope: 'admin',
};

describe('releasedClaims (OpenID Connect Core §5.4)', () => {
  it('openid alone releases no end-user claim', () => {
    expect(releasedClaims(ALICE, ['openid'])).toEqual({});
  });

  it('profile releases the profile claims the user has, and nothing of the other scopes', () => {
    expect(releasedClaims(ALICE, ['openid', 'profile'])).toEqual({
      name: 'Alice Liddell',
      given_name: 'Alice',
      family_name: 'Liddell',
      preferred_username: 'alice',
      updated_at: 1_700_000_000,
    });
  });

  it('email releases email and email_verified (a false value too)', () => {
    expect(releasedClaims(ALICE, ['openid', 'email'])).toEqual({
      email: 'alice@example.com',
      email_verified: true,
    });
    expect(releasedClaims({ email_verified: false }, ['email'])).toEqual({ email_verified: false });
  });

  it('address releases the address object', () => {
    expect(releasedClaims(ALICE, ['openid', 'address'])).toEqual({
      address: { locality: 'Oxford', country: 'GB' },
    });
  });

  it('phone releases phone_number and phone_number_verified', () => {
    expect(releasedClaims(ALICE, ['openid', 'phone'])).toEqual({
      phone_number: '+44 1865 000000',
      phone_number_verified: false,
    });
  });

  it('every scope together releases exactly the standard claims, never a custom or protocol name', () => {
    const sut = releasedClaims(ALICE, ['openid', 'profile', 'email', 'address', 'phone']);
    expect(Object.keys(sut).sort()).toEqual(
      Object.keys(ALICE)
        .filter((n) => STANDARD_CLAIMS.includes(n))
        .sort(),
    );
    for (const name of ['employee_number', 'sub', 'iss', 'nonce', 'scope'])
      expect(sut).not.toHaveProperty(name);
  });

  it('a consent that names its claims narrows the release to them', () => {
    expect(releasedClaims(ALICE, ['profile', 'email'], ['email', 'name'])).toEqual({
      email: 'alice@example.com',
      name: 'Alice Liddell',
    });
  });

  it('a consented claim whose scope was not granted stays out; so does a consented custom claim', () => {
    expect(releasedClaims(ALICE, ['profile'], ['email', 'name', 'employee_number'])).toEqual({
      name: 'Alice Liddell',
    });
  });

  it('an empty consent list releases nothing', () => {
    expect(releasedClaims(ALICE, ['profile', 'email'], [])).toEqual({});
  });

  it('leaves out claims without a value instead of sending them empty (§5.3.2)', () => {
    expect(releasedClaims({ name: '', nickname: null, website: undefined }, ['profile'])).toEqual(
      {},
    );
  });

  it('maps each standard claim to exactly one scope', () => {
    const all = Object.values(SCOPE_CLAIMS).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(STANDARD_CLAIMS).toHaveLength(all.length);
  });
});
