import { InvalidRequest } from '@app/oauth';
import { challengeParameter } from './login-api.params';

describe('login/consent API request parameters', () => {
  describe('challengeParameter', () => {
    it('reads the challenge of its kind from the query, decoded', () => {
      expect(challengeParameter('/p?login_challenge=a%2Bb&x=1', 'login')).toBe('a+b');
      expect(challengeParameter('/p?consent_challenge=c', 'consent')).toBe('c');
    });

    it.each([
      ['/p', 'login'],
      ['/p?login_challenge=', 'login'],
      ['/p?login_challenge=a', 'consent'],
    ] as const)('requires it: %s as %s', (url, kind) => {
      expect(() => challengeParameter(url, kind)).toThrow(
        new InvalidRequest(`the ${kind}_challenge parameter is required`),
      );
    });

    it('refuses it repeated, naming it (RFC 6749 section 3.1 rules)', () => {
      expect(() => challengeParameter('/p?login_challenge=a&login_challenge=b', 'login')).toThrow(
        'the login_challenge parameter must not be repeated',
      );
    });
  });
});
