import { createHash } from 'node:crypto';
import { ORDERS, paramsOf, registryOf, signInClient } from './checks/checks.fixtures';
import { validateAuthorizationRequest } from './validate-authorization-request';

const CHALLENGE = createHash('sha256').update('v'.repeat(43)).digest('base64url');
const VALID = {
  response_type: 'code',
  scope: 'openid orders:read',
  resource: ORDERS.identifier,
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
};

describe('validateAuthorizationRequest', () => {
  const client = signInClient();
  const registry = registryOf(client);
  const sut = (p: Record<string, string>) =>
    validateAuthorizationRequest(registry, client, 'https://rp.example/cb', paramsOf(p), 1234);

  it('turns a valid request into the pending request the flow stores', () => {
    expect(
      sut({
        ...VALID,
        response_mode: 'form_post',
        state: 'st',
        nonce: 'n',
        prompt: 'login',
        max_age: '60',
        login_hint: 'alice',
        ui_locales: 'de',
        acr_values: 'urn:x',
      }),
    ).toEqual({
      clientId: 'web',
      redirectUri: 'https://rp.example/cb',
      responseMode: 'form_post',
      scopes: ['openid', 'orders:read'],
      resources: [ORDERS.identifier],
      state: 'st',
      nonce: 'n',
      codeChallenge: CHALLENGE,
      codeChallengeMethod: 'S256',
      prompt: ['login'],
      maxAge: 60,
      loginHint: 'alice',
      uiLocales: ['de'],
      acrValues: ['urn:x'],
      receivedAt: 1234,
    });
  });

  it('keeps dpop_jkt, the DPoP key the code will be bound to (RFC 9449 §10)', () => {
    const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    expect(sut({ ...VALID, dpop_jkt: jkt })).toMatchObject({ dpopJkt: jkt });
    expect(sut(VALID)).not.toHaveProperty('dpopJkt');
  });

  it('leaves out what was not sent', () => {
    const { resource: _r, ...noResource } = VALID;
    const request = sut({ ...noResource, scope: 'openid' });
    expect(request).not.toHaveProperty('state');
    expect(request).not.toHaveProperty('nonce');
    expect(request).not.toHaveProperty('maxAge');
    expect(request).toMatchObject({ responseMode: 'query', resources: [], prompt: [] });
  });

  it('checks the response type before PKCE (node-oidc-provider order)', () => {
    expect(() => sut({ response_type: 'token' })).toThrow(
      expect.objectContaining({ error: 'unsupported_response_type' }),
    );
  });

  it('refuses a client without the code grant first', () => {
    const machine = signInClient({ grantTypes: ['client_credentials'] });
    expect(() =>
      validateAuthorizationRequest(registry, machine, 'https://rp.example/cb', paramsOf(VALID), 0),
    ).toThrow(expect.objectContaining({ error: 'unauthorized_client' }));
  });
});
