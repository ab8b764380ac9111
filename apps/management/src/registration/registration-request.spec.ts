import { InvalidBearerToken, InvalidRequest } from '@app/oauth';
import type { RegistrationConfig } from '@app/config';
import { adminCallerId } from './admin-caller';
import { bearerCredential } from './bearer-credential';
import { initialAccessTokenRequest } from './initial-access-token.body';
import { mintRegistrationToken, tokenMatches } from './registration-credentials';

describe('bearerCredential (RFC 6750 §2.1)', () => {
  it('reads the token of a Bearer header, in any case of the scheme', () => {
    expect(bearerCredential('Bearer iat_abc')).toBe('iat_abc');
    expect(bearerCredential('bearer  rat_x-y_z ')).toBe('rat_x-y_z');
  });

  it('finds none in no header or another scheme', () => {
    expect(bearerCredential(undefined)).toBeUndefined();
    expect(bearerCredential('Basic b3BzOnNlY3JldA==')).toBeUndefined();
  });

  it.each(['Bearer', 'Bearer ', 'Bearer a b', 'Bearer é'])(
    'refuses the malformed %j as invalid_token with the error in the challenge',
    (header) => {
      const refused = (() => {
        try {
          return bearerCredential(header);
        } catch (e) {
          return e;
        }
      })();
      expect(refused).toBeInstanceOf(InvalidBearerToken);
      expect((refused as InvalidBearerToken).headers['www-authenticate']).toBe(
        'Bearer realm="registration", error="invalid_token"',
      );
    },
  );
});

describe('registration tokens', () => {
  it('mint a prefixed 256-bit token kept as its digest, matched in constant time', () => {
    const { token, digest } = mintRegistrationToken('rat');
    expect(token).toMatch(/^rat_[\w-]{43}$/);
    expect(digest).toMatch(/^[\w-]{43}$/);
    expect(digest).not.toContain(token.slice(4));
    expect(tokenMatches(token, digest)).toBe(true);
    expect(tokenMatches(`${token}x`, digest)).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
    expect(tokenMatches(mintRegistrationToken('rat').token, digest)).toBe(false);
  });
});

describe('adminCallerId', () => {
  it('reads the form-urlencoded client id of HTTP Basic credentials (RFC 6749 §2.3.1)', () => {
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(adminCallerId(basic('ops-admin:secret'))).toBe('ops-admin');
    expect(adminCallerId(basic('svc%3Aa+b:secret'))).toBe('svc:a b');
  });
});

describe('initialAccessTokenRequest', () => {
  const limits: RegistrationConfig = {
    open: false,
    initialAccessTokenTtl: 3600,
    initialAccessTokenMaxTtl: 7200,
    initialAccessTokenMaxUses: 10,
  };

  it('takes the defaults for no body, an empty one, or nulls', () => {
    const defaults = { expiresIn: 3600, uses: 1 };
    expect(initialAccessTokenRequest(undefined, limits)).toEqual(defaults);
    expect(initialAccessTokenRequest({}, limits)).toEqual(defaults);
    expect(initialAccessTokenRequest({ expires_in: null, uses: null }, limits)).toEqual(defaults);
  });

  it('takes values within the bounds', () => {
    expect(initialAccessTokenRequest({ expires_in: 7200, uses: 10 }, limits)).toEqual({
      expiresIn: 7200,
      uses: 10,
    });
  });

  it.each([
    { expires_in: 59 },
    { expires_in: 7201 },
    { uses: 11 },
    { uses: 0 },
    { uses: '2' },
    { other: 1 },
    'x',
  ])('refuses %j with invalid_request', (body) => {
    expect(() => initialAccessTokenRequest(body, limits)).toThrow(InvalidRequest);
  });
});
