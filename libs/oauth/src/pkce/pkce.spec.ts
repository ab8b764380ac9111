import { isCodeVerifier, isS256Challenge, s256Challenge, verifyS256 } from './pkce';

// RFC 7636 Appendix B.
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of RFC 7636 Appendix B', () => {
    expect(s256Challenge(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
  });

  it('accepts the verifier of its challenge', () => {
    expect(verifyS256(RFC_VERIFIER, RFC_CHALLENGE)).toBe(true);
  });

  it.each([
    ['another verifier', `${RFC_VERIFIER.slice(0, -1)}Y`],
    ['the challenge itself (plain)', RFC_CHALLENGE],
    ['the verifier with one character more', `${RFC_VERIFIER}a`],
  ])('refuses %s', (_case, verifier) => {
    expect(verifyS256(verifier, RFC_CHALLENGE)).toBe(false);
  });

  it.each([
    ['shorter', RFC_CHALLENGE.slice(0, -1)],
    ['longer', `${RFC_CHALLENGE}A`],
    [
      'whose last character is beyond ASCII (its low byte the right one)',
      `${RFC_CHALLENGE.slice(0, -1)}\u014d`,
    ],
    ['empty', ''],
  ])(
    'refuses a stored challenge %s: not the 43 base64url characters it must be',
    (_case, challenge) => {
      expect(verifyS256(RFC_VERIFIER, challenge)).toBe(false);
    },
  );

  it('refuses a malformed verifier even when its hash matches the challenge', () => {
    const short = 'a'.repeat(42);
    expect(verifyS256(short, s256Challenge(short))).toBe(false);
  });

  it.each([
    ['42 characters', 'a'.repeat(42), false],
    ['43 characters', 'a'.repeat(43), true],
    ['128 characters', 'a'.repeat(128), true],
    ['129 characters', 'a'.repeat(129), false],
    ['every unreserved character', `${'Az09'.repeat(10)}-._~`, true],
    ['a space', `${'a'.repeat(42)} `, false],
    ['a plus sign', `${'a'.repeat(42)}+`, false],
    ['a slash', `${'a'.repeat(42)}/`, false],
    ['a non-ASCII letter', `${'a'.repeat(42)}é`, false],
  ])('a verifier of %s is well-formed: %s', (_case, verifier, ok) => {
    expect(isCodeVerifier(verifier)).toBe(ok);
  });

  it.each([
    [RFC_CHALLENGE, true],
    [`${RFC_CHALLENGE}=`, false],
    [RFC_CHALLENGE.slice(1), false],
    [`${RFC_CHALLENGE.slice(1)}+`, false],
  ])('%s can be an S256 challenge: %s', (challenge, ok) => {
    expect(isS256Challenge(challenge)).toBe(ok);
  });
});
