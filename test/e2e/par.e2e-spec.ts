import { PUBLIC_CLIENT_ID, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { clientAuth, ClientAuth } from '../support/oauth-http';
import { ChallengeAnswerer } from '../support/sign-in-flow';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';
import { pkcePair, queryOf, TestBrowser } from '../support/test-browser';

const web = SIGN_IN_CLIENTS.web;
const PAR_ONLY = {
  clientId: 'par-only-web',
  secret: 'par-only-secret-0123456789abc',
  redirectUri: 'https://par.test.example/cb',
};

/** POST /oauth2/par (RFC 9126) and its request_uri at the authorization endpoint. */
describe('pushed authorization requests', () => {
  let sut: StandaloneServer;
  let answers: ChallengeAnswerer;

  beforeAll(async () => {
    sut = await startStandaloneServer(
      {},
      {
        extraClients: [
          {
            client_id: PAR_ONLY.clientId,
            client_secret: PAR_ONLY.secret,
            token_endpoint_auth_method: 'client_secret_basic',
            grant_types: ['authorization_code'],
            redirect_uris: [PAR_ONLY.redirectUri],
            scope: 'openid',
            require_pushed_authorization_requests: true,
          },
        ],
      },
    );
    answers = new ChallengeAnswerer(sut);
    // The server makes its RSA keys at boot: slow on a busy machine.
  }, 30_000);
  afterAll(() => sut?.close());

  const request = (over: Record<string, string | undefined> = {}) =>
    Object.fromEntries(
      Object.entries({
        client_id: web.clientId,
        redirect_uri: web.redirectUri,
        response_type: 'code',
        scope: 'openid email',
        state: 'par-state',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        ...over,
      }).filter((e): e is [string, string] => e[1] !== undefined),
    );

  const push = async (form: Record<string, string>, auth: ClientAuth = clientAuth.basic(web)) => {
    const res = await fetch(sut.config.endpoints.par, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth.headers },
      body: new URLSearchParams({ ...form, ...auth.form }).toString(),
    });
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json()) as Record<string, unknown>,
    };
  };

  const authorizeWith = (browser: TestBrowser, clientId: string, requestUri: string) =>
    browser.get(
      `${sut.config.endpoints.authorization}?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`,
    );

  it('answers 201 with a request_uri and expires_in, not cached', async () => {
    const res = await push(request());
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      request_uri: expect.stringMatching(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/),
      expires_in: sut.config.signIn.parTtl,
    });
  });

  it('takes the request_uri once, with the pushed parameters, to a code', async () => {
    const { body } = await push(request());
    const browser = new TestBrowser();
    const start = await authorizeWith(browser, web.clientId, body.request_uri as string);
    expect(start.location).toContain('login_challenge=');
    const res = await answers.signIn(browser, start, 'alice', ['openid', 'email']);
    expect(queryOf(res.location)).toEqual({
      code: expect.any(String),
      state: 'par-state',
      iss: sut.url,
    });

    const again = await authorizeWith(new TestBrowser(), web.clientId, body.request_uri as string);
    expect(again.status).toBe(400);
    expect(again.location).toBeUndefined();
  });

  it('refuses a request_uri presented for another client, with a page', async () => {
    const { body } = await push(request());
    const res = await authorizeWith(
      new TestBrowser(),
      PUBLIC_CLIENT_ID,
      body.request_uri as string,
    );
    expect(res.status).toBe(400);
    expect(res.location).toBeUndefined();
  });

  it.each([
    ['an unknown', 'urn:ietf:params:oauth:request_uri:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a foreign', 'https://evil.example/request.jwt'],
  ])('refuses %s request_uri with a page', async (_case, uri) => {
    const res = await authorizeWith(new TestBrowser(), web.clientId, uri);
    expect(res.status).toBe(400);
    expect(res.location).toBeUndefined();
  });

  describe('require_pushed_authorization_requests (RFC 9126 §6)', () => {
    const parOnly = () => ({
      client_id: PAR_ONLY.clientId,
      redirect_uri: PAR_ONLY.redirectUri,
      scope: 'openid',
    });

    it('refuses the plain authorization request at the redirect URI', async () => {
      const qs = new URLSearchParams(request(parOnly()));
      const res = await new TestBrowser().get(`${sut.config.endpoints.authorization}?${qs}`);
      expect(queryOf(res.location)).toMatchObject({
        error: 'invalid_request',
        state: 'par-state',
        iss: sut.url,
      });
    });

    it('accepts the pushed one', async () => {
      const { body } = await push(request(parOnly()), clientAuth.basic(PAR_ONLY));
      const res = await authorizeWith(
        new TestBrowser(),
        PAR_ONLY.clientId,
        body.request_uri as string,
      );
      expect(res.location).toContain('login_challenge=');
    });
  });

  describe('validation at the PAR endpoint (RFC 9126 §2.3: JSON errors)', () => {
    it.each([
      ['no client authentication', request(), clientAuth.none, 401, 'invalid_client'],
      [
        'a wrong secret',
        request(),
        clientAuth.basic({ ...web, secret: 'wrong-secret-0123456789' }),
        401,
        'invalid_client',
      ],
      [
        'another client named in client_id',
        request({ client_id: PAR_ONLY.clientId }),
        clientAuth.basic(web),
        401,
        'invalid_client',
      ],
      [
        'an unregistered redirect_uri',
        request({ redirect_uri: 'https://evil.example/cb' }),
        clientAuth.basic(web),
        400,
        'invalid_request',
      ],
      [
        'the plain PKCE method',
        request({ code_challenge_method: 'plain' }),
        clientAuth.basic(web),
        400,
        'invalid_request',
      ],
      [
        'an implicit response_type',
        request({ response_type: 'token' }),
        clientAuth.basic(web),
        400,
        'unsupported_response_type',
      ],
      [
        'a request_uri inside',
        request({ request_uri: 'urn:ietf:params:oauth:request_uri:x' }),
        clientAuth.basic(web),
        400,
        'invalid_request',
      ],
    ])('refuses %s', async (_case, form, auth, status, error) => {
      const res = await push(form, auth);
      expect(res.status).toBe(status);
      expect(res.body.error).toBe(error);
    });

    it('accepts a public client naming itself (RFC 9126 §2)', async () => {
      const res = await push(
        request({
          client_id: undefined,
          redirect_uri: 'http://127.0.0.1:40000/callback',
          scope: 'orders:read',
        }),
        clientAuth.publicClient(PUBLIC_CLIENT_ID),
      );
      expect(res.status).toBe(201);
    });
  });
});
