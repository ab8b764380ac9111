import { checkClientMayUseCode } from './check-client-may-use-code';
import { checkParRequired } from './check-par-required';
import { checkUnsupportedParameters } from './check-unsupported-parameters';
import { paramsOf, signInClient } from './checks.fixtures';
import { spaceList } from './parameter';

describe('the one-line checks', () => {
  it('checkClientMayUseCode: unauthorized_client without the authorization_code grant', () => {
    expect(() => checkClientMayUseCode(signInClient())).not.toThrow();
    expect(() =>
      checkClientMayUseCode(signInClient({ grantTypes: ['client_credentials'] })),
    ).toThrow(expect.objectContaining({ error: 'unauthorized_client' }));
  });

  it('checkParRequired: a PAR-only client must come with a pushed request (RFC 9126 §6)', () => {
    const parOnly = signInClient({ requirePushedAuthorizationRequests: true });
    expect(() => checkParRequired(parOnly, true)).not.toThrow();
    expect(() => checkParRequired(signInClient(), false)).not.toThrow();
    expect(() => checkParRequired(parOnly, false)).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    );
  });

  it('checkUnsupportedParameters: request objects are request_not_supported', () => {
    expect(() => checkUnsupportedParameters(paramsOf({}))).not.toThrow();
    expect(() => checkUnsupportedParameters(paramsOf({ request: 'x.y.z' }))).toThrow(
      expect.objectContaining({ error: 'request_not_supported' }),
    );
  });

  it('spaceList: single spaces only, repeats once', () => {
    expect(spaceList(paramsOf({ prompt: 'login login' }), 'prompt')).toEqual(['login']);
    expect(() => spaceList(paramsOf({ prompt: ' login' }), 'prompt')).toThrow('single-space');
  });
});
