import { PUBLIC_CLIENT_ID, RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { eventsDuring } from '../support/lifecycle-events';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';
import { pkcePair, queryOf, TestBrowser } from '../support/test-browser';

const web = SIGN_IN_CLIENTS.web;

/** Validation of authorization requests (RFC 6749 §4.1.1, RFC 7636, RFC 9207, RFC 9700 §4). */
describe('authorization endpoint: request validation', () => {
  let sut: StandaloneServer;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    // The server makes its RSA keys at boot: slow on a busy machine.
  }, 30_000);
  afterAll(() => sut?.close());

  const params = (over: Record<string, string | undefined> = {}): [string, string][] =>
    Object.entries({
      client_id: web.clientId,
      redirect_uri: web.redirectUri,
      response_type: 'code',
      scope: 'openid email',
      state: 'st-1',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      ...over,
    }).filter((e): e is [string, string] => e[1] !== undefined);

  const authorize = (over: Record<string, string | undefined> = {}) =>
    new TestBrowser().get(
      `${sut.config.endpoints.authorization}?${new URLSearchParams(params(over))}`,
    );

  const expectLoginRedirect = (res: { status: number; location?: string }) => {
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/\/login\?login_challenge=[A-Za-z0-9_-]{43}$/);
  };

  /** RFC 6749 §4.1.2.1: shown to the user, never sent anywhere, nothing of the input in it. */
  const expectErrorPage = (
    res: { status: number; location?: string; text: string; headers: Headers },
    ...notReflected: string[]
  ) => {
    expect(res.status).toBe(400);
    expect(res.location).toBeUndefined();
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const s of notReflected) expect(res.text).not.toContain(s);
  };

  describe('never redirects to an untrusted URI', () => {
    it('shows a page for an unknown client, reflecting nothing', async () => {
      const evil = '<script>alert(1)</script>';
      expectErrorPage(await authorize({ client_id: evil }), evil, 'alert(1)');
    });

    it('shows a page for a missing client_id or redirect_uri', async () => {
      expectErrorPage(await authorize({ client_id: undefined }));
      expectErrorPage(await authorize({ redirect_uri: undefined }));
    });

    it.each([
      ['another site', 'https://evil.example/callback'],
      ['a prefix of a longer path', `${web.redirectUri}/evil`],
      ['an extra query', `${web.redirectUri}?next=https://evil.example`],
      ['a path traversal', 'http://127.0.0.1:8765/x/../callback'],
      ['userinfo pointing elsewhere', 'http://127.0.0.1:8765@evil.example/callback'],
      ['a fragment trick', 'http://evil.example#@127.0.0.1:8765/callback'],
      ['a scheme in upper case', 'HTTP://127.0.0.1:8765/callback'],
      ['a trailing slash', `${web.redirectUri}/`],
      ['localhost for a loopback literal', 'http://localhost:8765/callback'],
    ])('shows a page for %s', async (_case, uri) => {
      const { result, events } = await eventsDuring(sut, () => authorize({ redirect_uri: uri }));
      expectErrorPage(result, uri);
      expect(events).toEqual([]);
    });

    it('shows a page for a repeated parameter (RFC 6749 §3.1), which could hide another URI', async () => {
      const url =
        `${sut.config.endpoints.authorization}?${new URLSearchParams(params())}` +
        `&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`;
      expectErrorPage(await new TestBrowser().get(url), 'evil.example');
    });

    it('shows a page for an over-long redirect_uri', async () => {
      expectErrorPage(await authorize({ redirect_uri: `${web.redirectUri}?${'a'.repeat(3000)}` }));
    });
  });

  describe('native apps on a loopback IP literal (RFC 8252 §7.3)', () => {
    const native = { client_id: PUBLIC_CLIENT_ID, scope: 'orders:read' };

    it.each(['http://127.0.0.1:51234/callback', 'http://127.0.0.1/callback'])(
      'accepts any port: %s',
      async (uri) => expectLoginRedirect(await authorize({ ...native, redirect_uri: uri })),
    );

    it.each([
      'http://127.0.0.1:51234/callback/x',
      'http://127.0.0.2:51234/callback',
      'http://[::1]:51234/callback',
      'http://127.0.0.1:0/callback',
      'https://127.0.0.1:51234/callback',
    ])('but nothing else: %s', async (uri) =>
      expectErrorPage(await authorize({ ...native, redirect_uri: uri })),
    );
  });

  describe('errors after the redirect URI is trusted go there, with state and iss (RFC 9207)', () => {
    it.each([
      ['an implicit response_type', { response_type: 'token' }, 'unsupported_response_type'],
      ['a hybrid response_type', { response_type: 'code id_token' }, 'unsupported_response_type'],
      ['no response_type', { response_type: undefined }, 'invalid_request'],
      ['no code_challenge (PKCE required)', { code_challenge: undefined }, 'invalid_request'],
      ['the plain PKCE method (downgrade)', { code_challenge_method: 'plain' }, 'invalid_request'],
      [
        'no PKCE method (would mean plain)',
        { code_challenge_method: undefined },
        'invalid_request',
      ],
      ['a challenge that is no S256 output', { code_challenge: 'short' }, 'invalid_request'],
      ['a scope not allowed for the client', { scope: 'openid orders:write' }, 'invalid_scope'],
      ['no scope', { scope: undefined }, 'invalid_scope'],
      ['an unknown resource', { resource: 'https://unknown.example' }, 'invalid_target'],
      ['a resource of another client', { resource: RESOURCES.admin.identifier }, 'invalid_target'],
      ['the fragment response mode', { response_mode: 'fragment' }, 'invalid_request'],
      ['prompt=none with login', { prompt: 'none login' }, 'invalid_request'],
      ['an unknown prompt', { prompt: 'bogus' }, 'invalid_request'],
      ['a negative max_age', { max_age: '-1' }, 'invalid_request'],
      ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
      ['an over-long nonce', { nonce: 'n'.repeat(600) }, 'invalid_request'],
    ])('%s', async (_case, over, error) => {
      const res = await authorize(over);
      expect(res.status).toBe(303);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.location!.startsWith(`${web.redirectUri}?`)).toBe(true);
      expect(queryOf(res.location)).toEqual({
        error,
        error_description: expect.stringMatching(/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/),
        state: 'st-1',
        iss: sut.url,
      });
    });

    it('leaves out a state that is itself too long', async () => {
      const res = await authorize({ state: 's'.repeat(2000) });
      expect(queryOf(res.location)).toEqual({
        error: 'invalid_request',
        error_description: expect.any(String),
        iss: sut.url,
      });
    });

    it('sends an error by form_post when the client asked for it', async () => {
      const res = await authorize({ response_mode: 'form_post', response_type: 'token' });
      expect(res.status).toBe(200);
      expect(res.text).toContain('name="error" value="unsupported_response_type"');
      expect(res.text).toContain(`name="iss" value="${sut.url}"`);
    });
  });

  describe('accepted requests', () => {
    it('takes OIDC parameters and resources as they are', async () => {
      expectLoginRedirect(
        await authorize({
          scope: 'openid email orders:read',
          resource: RESOURCES.orders.identifier,
          prompt: 'login consent',
          max_age: '0',
          login_hint: 'alice@test.example',
          ui_locales: 'fr-CA en',
          acr_values: 'urn:test:pwd',
          nonce: 'n-1',
        }),
      );
    });

    it('answers POST with a form like GET (OIDC Core §3.1.2.1)', async () => {
      const res = await new TestBrowser().post(
        sut.config.endpoints.authorization,
        Object.fromEntries(params()),
      );
      expectLoginRedirect(res);
    });

    it('refuses a POST whose body is not a form with a page', async () => {
      const res = await fetch(sut.config.endpoints.authorization, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(Object.fromEntries(params())),
        redirect: 'manual',
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });
  });
});
