import { ResourceConfig } from '@app/config';
import { FormParams } from '@app/oauth';
import { actorParameters, issuedTokenType } from './exchange-request';
import { TOKEN_TYPES } from './token-types';

const form = (fields: Record<string, string>) =>
  FormParams.parse('application/x-www-form-urlencoded', new URLSearchParams(fields).toString());
const resource = (format: 'jwt' | 'opaque') => ({ accessTokenFormat: format }) as ResourceConfig;
const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { error: string }).error;
  }
  return 'none';
};

describe('actorParameters (RFC 8693 §2.1)', () => {
  it('is the pair, or nothing', () => {
    expect(actorParameters(form({}))).toBeUndefined();
    expect(actorParameters(form({ actor_token: 't', actor_token_type: 'x' }))).toEqual({
      token: 't',
      type: 'x',
    });
  });

  it.each([
    [{ actor_token: 't' }],
    [{ actor_token_type: TOKEN_TYPES.accessToken }],
    [{ actor_token: '', actor_token_type: TOKEN_TYPES.accessToken }],
    [{ actor_token: 't', actor_token_type: '' }],
  ])('refuses one without the other: %j', (fields) => {
    expect(errorOf(() => actorParameters(form(fields)))).toBe('invalid_request');
  });
});

describe('issuedTokenType (RFC 8693 §2.2.1)', () => {
  it('issues an access token by default and on request, a JWT-typed one where tokens are JWTs', () => {
    expect(issuedTokenType(form({}), resource('opaque'))).toBe(TOKEN_TYPES.accessToken);
    const at = form({ requested_token_type: TOKEN_TYPES.accessToken });
    expect(issuedTokenType(at, resource('opaque'))).toBe(TOKEN_TYPES.accessToken);
    const jwt = form({ requested_token_type: TOKEN_TYPES.jwt });
    expect(issuedTokenType(jwt, resource('jwt'))).toBe(TOKEN_TYPES.jwt);
    expect(errorOf(() => issuedTokenType(jwt, resource('opaque')))).toBe('invalid_request');
  });

  it.each([TOKEN_TYPES.refreshToken, TOKEN_TYPES.idToken, 'urn:example:unknown'])(
    'never issues %s: invalid_request',
    (type) => {
      const requested = form({ requested_token_type: type });
      expect(errorOf(() => issuedTokenType(requested, resource('jwt')))).toBe('invalid_request');
    },
  );
});
