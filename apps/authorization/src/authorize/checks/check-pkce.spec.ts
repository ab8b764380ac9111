import { createHash } from 'node:crypto';
import { checkPkce } from './check-pkce';
import { paramsOf } from './checks.fixtures';

const CHALLENGE = createHash('sha256')
  .update('a-verifier-of-enough-length-0123456789abcdef')
  .digest('base64url');

describe('checkPkce (RFC 7636, RFC 9700 §2.1.1)', () => {
  const sut = (p: Record<string, string>) => checkPkce(paramsOf(p));

  it('accepts an S256 challenge', () => {
    expect(sut({ code_challenge: CHALLENGE, code_challenge_method: 'S256' })).toEqual({
      codeChallenge: CHALLENGE,
      codeChallengeMethod: 'S256',
    });
  });

  it.each([
    ['no challenge', { code_challenge_method: 'S256' }, 'PKCE is required'],
    ['no method (plain by default)', { code_challenge: CHALLENGE }, 'must be S256'],
    [
      'plain',
      { code_challenge: CHALLENGE, code_challenge_method: 'plain' },
      'plain is not allowed',
    ],
    ['s256 in lower case', { code_challenge: CHALLENGE, code_challenge_method: 's256' }, 'S256'],
    ['a short challenge', { code_challenge: 'abc', code_challenge_method: 'S256' }, '43'],
    [
      'a padded challenge',
      { code_challenge: `${CHALLENGE.slice(0, 42)}=`, code_challenge_method: 'S256' },
      '43',
    ],
    [
      'a 128-character plain verifier',
      { code_challenge: 'a'.repeat(128), code_challenge_method: 'S256' },
      '43',
    ],
  ])('refuses %s with invalid_request', (_case, p, message) => {
    expect(() => sut(p)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(() => sut(p)).toThrow(message);
  });
});
