import { PUBLIC_CLIENT_ID, REFRESH_CLIENTS, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { HttpResponse, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

// Browser-based apps (public clients) call the token, revocation and userinfo endpoints from the
// origin of their redirect URIs; the Fetch standard's CORS protocol decides whether their script
// may read the answer. These specs speak that protocol as a browser would.
const APP_ORIGIN = new URL(REFRESH_CLIENTS.redirectUri).origin; // a public client's
const OTHER_PUBLIC_ORIGIN = 'http://127.0.0.1'; // app-public's redirect URI, default port
const CONFIDENTIAL_ORIGIN = new URL(SIGN_IN_CLIENTS.web.redirectUri).origin;
const FORM = 'application/x-www-form-urlencoded';

describe('cross-origin requests from browser-based apps (CORS)', () => {
  let sut: StandaloneServer;

  beforeAll(async () => {
    sut = await startStandaloneServer();
  });
  afterAll(() => sut?.close());

  const preflight = (path: string, origin: string, method: string, headers = 'authorization') =>
    send(`${sut.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': headers,
      },
    });

  const expectAllowed = (res: HttpResponse, origin: string) => {
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
  };
  const expectRefused = (res: HttpResponse) => {
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
  };

  describe.each([
    ['/oauth2/token', 'POST'],
    ['/oauth2/revoke', 'POST'],
    ['/oauth2/userinfo', 'GET'],
    ['/oauth2/userinfo', 'POST'],
  ])('preflight of %s %s', (path, method) => {
    it.each([APP_ORIGIN, OTHER_PUBLIC_ORIGIN])(
      'allows %s, a public client origin, with the headers it needs',
      async (origin) => {
        const res = await preflight(path, origin, method);
        expect(res.status).toBe(204);
        expectAllowed(res, origin);
        expect(res.headers.get('access-control-allow-methods')).toContain(method);
        expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
        expect(res.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
        // RFC 9449 §4.1: a browser app sends its proof in the DPoP header.
        expect(res.headers.get('access-control-allow-headers')).toMatch(/\bDPoP\b/);
        expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
        // Never credentials: these endpoints read no cookie.
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      },
    );

    it.each([
      ['a confidential client origin', CONFIDENTIAL_ORIGIN],
      ['an unregistered origin', 'https://evil.example'],
      ['the opaque origin', 'null'],
      ['a registered origin with another port', 'http://127.0.0.1:8767'],
    ])('refuses %s', async (_, origin) => {
      const res = await preflight(path, origin, method);
      expect(res.status).toBe(204);
      expectRefused(res);
    });
  });

  it('refuses a preflight for a method the endpoint does not take', async () => {
    const res = await preflight('/oauth2/token', APP_ORIGIN, 'PUT');
    expectRefused(res);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('lets the app read a token answer, errors included, and the headers that explain them', async () => {
    const res = await send(`${sut.url}/oauth2/token`, {
      method: 'POST',
      headers: { origin: APP_ORIGIN, 'content-type': FORM },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'rt_not-a-real-one',
        client_id: REFRESH_CLIENTS.native.clientId,
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expectAllowed(res, APP_ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Retry-After/);
    // RFC 9449 §8: the script reads the server nonce for its next proof.
    expect(res.headers.get('access-control-expose-headers')).toMatch(/DPoP-Nonce/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers another origin without letting its script read the answer', async () => {
    const res = await send(`${sut.url}/oauth2/revoke`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': FORM },
      body: new URLSearchParams({ token: 'x', client_id: PUBLIC_CLIENT_ID }).toString(),
    });
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    expectRefused(res);
  });

  it('lets an app read a userinfo refusal (401 with WWW-Authenticate)', async () => {
    const res = await send(`${sut.url}/oauth2/userinfo`, {
      headers: { origin: APP_ORIGIN, authorization: 'Bearer not-a-token' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectAllowed(res, APP_ORIGIN);
  });

  it.each([
    '/.well-known/openid-configuration',
    '/.well-known/oauth-authorization-server',
    '/oauth2/jwks',
  ])('lets any origin read the public document %s', async (path) => {
    const res = await send(`${sut.url}${path}`, { headers: { origin: 'https://any.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it.each(['/oauth2/introspect', '/oauth2/par'])(
    'gives the server-to-server endpoint %s no CORS at all',
    async (path) => {
      const pre = await preflight(path, APP_ORIGIN, 'POST');
      expect(pre.status).toBe(404);
      expectRefused(pre);
      const res = await send(`${sut.url}${path}`, {
        method: 'POST',
        headers: { origin: APP_ORIGIN, 'content-type': FORM },
        body: 'token=x',
      });
      expectRefused(res);
    },
  );

  it('adds nothing to a request without Origin (a server calling)', async () => {
    const res = await send(`${sut.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: 'grant_type=client_credentials',
    });
    expect(res.headers.get('vary')).toBeNull();
    expectRefused(res);
  });
});
