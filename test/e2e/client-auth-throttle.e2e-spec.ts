import { generateKeyPair } from 'jose';
import { LOGIN_CONSENT_PATHS } from '@app/oauth';
import { CLIENTS, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { clientAssertion } from '../support/client-assertion';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth, HttpResponse, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const PER_CLIENT = 3;
const PER_ADDRESS = 8;

/**
 * Failed client authentications are throttled per client id and per source address (429 with
 * Retry-After, RFC 6749-shaped), on every endpoint that authenticates clients; every 401
 * invalid_client carries WWW-Authenticate (RFC 9110 §15.5.2).
 *
 * The server trusts loopback as its proxy (TRUST_PROXY), so each test speaks from addresses of
 * its own through X-Forwarded-For, as callers behind a load balancer do.
 */
describe('client authentication: throttling of failures', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let nextAddress = 0;
  /** A fresh caller address (TEST-NET-2), never used by another test. */
  const address = () => `198.51.100.${++nextAddress}`;

  beforeAll(async () => {
    sut = await startStandaloneServer({
      AUTH_FAILURES_PER_CLIENT: String(PER_CLIENT),
      AUTH_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
      AUTH_FAILURE_WINDOW_SECONDS: '60',
      TRUST_PROXY: 'loopback',
    });
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  const from = (addr: string, auth: ClientAuth): ClientAuth =>
    clientAuth.combine(auth, { headers: { 'x-forwarded-for': addr }, form: {} });
  const token = (addr: string, auth: ClientAuth) =>
    oauth.token({ grant_type: 'client_credentials' }, from(addr, auth));
  const wrong = (c: { clientId: string; secret: string }) => ({ ...c, secret: `${c.secret}-nope` });
  const failTimes = async (n: number, request: () => Promise<HttpResponse>) => {
    for (let i = 0; i < n; i++) expect((await request()).status).toBe(401);
  };
  const expectThrottled = (res: HttpResponse) => {
    expect(res.status).toBe(429);
    expect(res.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.any(String),
    });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers.get('cache-control')).toBe('no-store');
  };

  it('answers 429 with Retry-After once a client id has failed too often', async () => {
    const attacker = address();
    await failTimes(PER_CLIENT, () => token(attacker, clientAuth.basic(wrong(CLIENTS.basic))));
    expectThrottled(await token(attacker, clientAuth.basic(wrong(CLIENTS.basic))));
    // The id is throttled wherever it is named from, and on every endpoint.
    expectThrottled(await token(address(), clientAuth.basic(wrong(CLIENTS.basic))));
    expectThrottled(
      await oauth.introspect(
        { token: 'x' },
        from(address(), clientAuth.basic(wrong(CLIENTS.basic))),
      ),
    );
    expectThrottled(
      await oauth.revoke({ token: 'x' }, from(address(), clientAuth.basic(wrong(CLIENTS.basic)))),
    );
    // Another client, from the very same address, is unaffected.
    expect((await token(attacker, clientAuth.post(CLIENTS.post))).status).toBe(200);
    // The right secret, recognised without scrypt (a plain one here), is not locked out.
    expect((await token(attacker, clientAuth.basic(CLIENTS.basic))).status).toBe(200);
  });

  it('throttles an unknown client id exactly like a known one', async () => {
    const unknown = { clientId: 'svc-does-not-exist', secret: 'whatever-secret-0123456789' };
    await failTimes(PER_CLIENT, () => token(address(), clientAuth.basic(unknown)));
    expectThrottled(await token(address(), clientAuth.basic(unknown)));
  });

  it('throttles an address that spreads its failures over many client ids', async () => {
    const attacker = address();
    for (let i = 0; i < PER_ADDRESS; i++) {
      const guess = { clientId: `svc-guess-${i}`, secret: 'guessed-secret-0123456789' };
      expect((await token(attacker, clientAuth.post(guess))).status).toBe(401);
    }
    expectThrottled(await token(attacker, clientAuth.post(wrong(CLIENTS.post))));
    // The same client from another address is served.
    expect((await token(address(), clientAuth.post(CLIENTS.post))).status).toBe(200);
  });

  it('counts failures on introspection and revocation too', async () => {
    const c = CLIENTS.introspector;
    await failTimes(1, () =>
      oauth.introspect({ token: 'x' }, from(address(), clientAuth.basic(wrong(c)))),
    );
    await failTimes(1, () =>
      oauth.revoke({ token: 'x' }, from(address(), clientAuth.basic(wrong(c)))),
    );
    await failTimes(1, () => token(address(), clientAuth.basic(wrong(c))));
    expectThrottled(
      await oauth.introspect({ token: 'x' }, from(address(), clientAuth.basic(wrong(c)))),
    );
  });

  it('counts failures on the login/consent API too, and throttles it', async () => {
    const c = SIGN_IN_CLIENTS.loginProvider;
    const loginRequest = (addr: string, auth: ClientAuth) =>
      send(`${sut.url}${LOGIN_CONSENT_PATHS.loginRequest}?login_challenge=x`, {
        headers: from(addr, auth).headers,
      });
    await failTimes(PER_CLIENT - 1, () => loginRequest(address(), clientAuth.basic(wrong(c))));
    await failTimes(1, () => token(address(), clientAuth.basic(wrong(c))));
    expectThrottled(await loginRequest(address(), clientAuth.basic(wrong(c))));
  });

  it('counts refused client assertions (private_key_jwt) as failures', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = () =>
      clientAssertion({
        clientId: sut.jwtClient.clientId,
        key: privateKey,
        kid: sut.jwtClient.kid,
        audience: sut.config.endpoints.token,
      });
    for (let i = 0; i < PER_CLIENT; i++)
      expect((await token(address(), clientAuth.privateKeyJwt(await forged()))).status).toBe(401);
    expectThrottled(await token(address(), clientAuth.privateKeyJwt(await forged())));
  });

  it('keeps serving a hashed secret it has verified while others fail in its name', async () => {
    const legitimate = address();
    expect((await token(legitimate, clientAuth.basic(CLIENTS.hashed))).status).toBe(200);
    await failTimes(PER_CLIENT, () => token(address(), clientAuth.basic(wrong(CLIENTS.hashed))));
    expectThrottled(await token(address(), clientAuth.basic(wrong(CLIENTS.hashed))));
    // A secret that already passed scrypt costs nothing to recognise: it is not locked out.
    expect((await token(legitimate, clientAuth.basic(CLIENTS.hashed))).status).toBe(200);
  });

  it('throttles a hashed secret it has not verified yet: checking it would cost scrypt', async () => {
    const fresh = await startStandaloneServer({
      AUTH_FAILURES_PER_CLIENT: String(PER_CLIENT),
      TRUST_PROXY: 'loopback',
    });
    try {
      const client = new OAuthClient(fresh.config.endpoints);
      const at = (auth: ClientAuth) =>
        client.token({ grant_type: 'client_credentials' }, from(address(), auth));
      await failTimes(PER_CLIENT, () => at(clientAuth.basic(wrong(CLIENTS.hashed))));
      expectThrottled(await at(clientAuth.basic(CLIENTS.hashed)));
    } finally {
      await fresh.close();
    }
  });
});

describe('client authentication: the caller address without a trusted proxy', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    sut = await startStandaloneServer({
      AUTH_FAILURES_PER_CLIENT: '100',
      AUTH_FAILURES_PER_ADDRESS: '4',
    });
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  it('ignores X-Forwarded-For, so a caller cannot escape its address by naming others', async () => {
    for (let i = 0; i < 4; i++) {
      const auth = clientAuth.combine(
        clientAuth.basic({ clientId: `svc-guess-${i}`, secret: 'guessed-secret-0123456789' }),
        { headers: { 'x-forwarded-for': `203.0.113.${i}` }, form: {} },
      );
      expect((await oauth.token({ grant_type: 'client_credentials' }, auth)).status).toBe(401);
    }
    const res = await oauth.token(
      { grant_type: 'client_credentials' },
      clientAuth.combine(clientAuth.basic({ ...CLIENTS.basic, secret: 'not-the-secret-0123' }), {
        headers: { 'x-forwarded-for': '203.0.113.200' },
        form: {},
      }),
    );
    expect(res.status).toBe(429);
  });
});

describe('client authentication: WWW-Authenticate on every 401 invalid_client', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  const BASIC = 'Basic realm="oauth2"';
  const METHODS =
    'Basic realm="oauth2", token_endpoint_auth_methods_supported=' +
    '"client_secret_basic client_secret_post private_key_jwt"';
  const wrongSecret = { ...CLIENTS.basic, secret: 'not-the-secret-0123456789' };

  const cases: [string, () => ClientAuth, string][] = [
    ['no client authentication', () => clientAuth.none, METHODS],
    ['a wrong secret over Basic', () => clientAuth.basic(wrongSecret), BASIC],
    [
      'malformed Basic credentials',
      () => ({ headers: { authorization: 'Basic bm9jb2xvbg==' }, form: {} }),
      BASIC,
    ],
    [
      'a wrong secret in the form',
      () => clientAuth.post({ ...CLIENTS.post, secret: 'nope-0123456789abcdef' }),
      METHODS,
    ],
    ['a Basic client in the form', () => clientAuth.post(CLIENTS.basic), METHODS],
    ['a malformed client assertion', () => clientAuth.privateKeyJwt('not.a.jwt'), METHODS],
  ];

  it.each(cases)('token endpoint, %s', async (_, auth, challenge) => {
    const res = await oauth.token({ grant_type: 'client_credentials' }, auth());
    expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
    expect(res.headers.get('www-authenticate')).toBe(challenge);
  });

  it.each(cases)('introspection endpoint, %s', async (_, auth, challenge) => {
    const res = await oauth.introspect({ token: 'x' }, auth());
    expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
    expect(res.headers.get('www-authenticate')).toBe(challenge);
  });

  it.each(cases)('revocation endpoint, %s', async (_, auth, challenge) => {
    const res = await oauth.revoke({ token: 'x' }, auth());
    expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
    expect(res.headers.get('www-authenticate')).toBe(challenge);
  });
});
