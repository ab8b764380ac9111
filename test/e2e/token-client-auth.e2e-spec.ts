import { decodeJwt, exportJWK, exportSPKI, generateKeyPair, importJWK, KeyLike } from 'jose';
import { CLIENTS, PUBLIC_CLIENT_ID, RESOURCES } from '../fixtures/test-registry';
import { clientAssertion } from '../support/client-assertion';
import { ClientJwksHost, startClientJwksHost } from '../support/client-jwks-host';
import { freePort } from '../support/free-port';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth, HttpResponse } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** POST /oauth2/token: client authentication (RFC 6749 §2.3, RFC 7523 §3). */
describe('token endpoint: client authentication', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  const clientCredentials = (auth: ClientAuth) =>
    oauth.token({ grant_type: 'client_credentials' }, auth);

  const expectInvalidClient = (res: HttpResponse) => {
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  };

  /** An assertion from the private_key_jwt client, for the token endpoint unless overridden. */
  const assertion = (claims: Record<string, unknown> = {}) =>
    clientAssertion({
      clientId: sut.jwtClient.clientId,
      key: sut.jwtClient.privateKey,
      kid: sut.jwtClient.kid,
      audience: sut.config.endpoints.token,
      claims,
    });

  describe('each registered method authenticates its client', () => {
    it.each([
      ['client_secret_basic', CLIENTS.basic, clientAuth.basic],
      ['client_secret_post', CLIENTS.post, clientAuth.post],
      ['client_secret_basic, hashed secret', CLIENTS.hashed, clientAuth.basic],
      ['client_secret_basic, form-urlencoded id and secret', CLIENTS.encoded, clientAuth.basic],
    ])('%s', async (_method, client, method) => {
      const res = await clientCredentials(method(client));
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token).client_id).toBe(client.clientId);
    });

    it('private_key_jwt', async () => {
      const res = await clientCredentials(clientAuth.privateKeyJwt(await assertion()));
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token).client_id).toBe(sut.jwtClient.clientId);
    });

    it('a hashed secret keeps working on repeated requests (and a wrong one keeps failing)', async () => {
      for (let i = 0; i < 2; i++) {
        expect((await clientCredentials(clientAuth.basic(CLIENTS.hashed))).status).toBe(200);
        const wrong = { ...CLIENTS.hashed, secret: `${CLIENTS.hashed.secret}x` };
        expectInvalidClient(await clientCredentials(clientAuth.basic(wrong)));
      }
    });
  });

  it('refuses two authentication methods in one request: 400 invalid_request', async () => {
    const both = clientAuth.combine(
      clientAuth.basic(CLIENTS.basic),
      clientAuth.post(CLIENTS.basic),
    );
    const res = await clientCredentials(both);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('refuses Basic together with a client assertion: 400 invalid_request', async () => {
    const both = clientAuth.combine(
      clientAuth.basic(CLIENTS.basic),
      clientAuth.privateKeyJwt(await assertion()),
    );
    const res = await clientCredentials(both);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  // RFC 9110 §15.5.2: a 401 carries a challenge; without Basic it names the methods that can
  // succeed here, as the metadata does: no certificate can reach this server (no TLS, no trusted
  // proxy), so neither certificate method.
  const METHODS_CHALLENGE =
    'Basic realm="oauth2", token_endpoint_auth_methods_supported=' +
    '"client_secret_basic client_secret_post private_key_jwt"';

  it('refuses a request with no client authentication: 401 invalid_client', async () => {
    const res = await clientCredentials(clientAuth.none);
    expectInvalidClient(res);
    expect(res.headers.get('www-authenticate')).toBe(METHODS_CHALLENGE);
    const metadata = await fetch(`${sut.url}/.well-known/oauth-authorization-server`);
    const advertised = (
      (await metadata.json()) as { token_endpoint_auth_methods_supported: string[] }
    ).token_endpoint_auth_methods_supported;
    expect(METHODS_CHALLENGE).toContain(`"${advertised.filter((m) => m !== 'none').join(' ')}"`);
  });

  describe('unknown client or wrong secret: 401 invalid_client', () => {
    const unknown = { clientId: 'svc-unknown', secret: 'unknown-secret-0123456789' };
    const wrongSecret = { ...CLIENTS.basic, secret: 'not-the-secret-0123456789' };

    it.each([
      ['unknown client', unknown],
      ['wrong secret', wrongSecret],
    ])('over Basic (%s), with a WWW-Authenticate: Basic challenge', async (_case, c) => {
      const res = await clientCredentials(clientAuth.basic(c));
      expectInvalidClient(res);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic\b/);
    });

    it.each([
      ['unknown client', unknown],
      ['wrong secret', { ...CLIENTS.post, secret: 'not-the-secret-0123456789' }],
    ])('in the form (%s), with a challenge naming every method', async (_case, c) => {
      const res = await clientCredentials(clientAuth.post(c));
      expectInvalidClient(res);
      expect(res.headers.get('www-authenticate')).toBe(METHODS_CHALLENGE);
    });

    it('gives the same answer for an unknown client and a wrong secret', async () => {
      const [a, b] = await Promise.all([
        clientCredentials(clientAuth.basic(unknown)),
        clientCredentials(clientAuth.basic(wrongSecret)),
      ]);
      expect(a.body).toEqual(b.body);
    });
  });

  describe('a method other than the registered one: 401 invalid_client', () => {
    it.each([
      ['client_secret_basic client over client_secret_post', () => clientAuth.post(CLIENTS.basic)],
      ['client_secret_post client over client_secret_basic', () => clientAuth.basic(CLIENTS.post)],
    ])('%s', async (_case, auth) => {
      expectInvalidClient(await clientCredentials(auth()));
    });
  });

  describe('private_key_jwt assertions', () => {
    // draft-ietf-oauth-rfc7523bis: we are the sole audience. A one-element array names only us,
    // so it is read as that single value.
    it.each([
      ['the issuer', () => sut.config.issuer],
      ['the token endpoint URL', () => sut.config.endpoints.token],
      ['a one-element array holding the token endpoint URL', () => [sut.config.endpoints.token]],
    ])('accepts %s as aud', async (_case, aud) => {
      const res = await clientCredentials(
        clientAuth.privateKeyJwt(await assertion({ aud: aud() })),
      );
      expect(res.status).toBe(200);
    });

    const now = () => Math.floor(Date.now() / 1000);
    it.each([
      ['a wrong aud', () => ({ aud: 'https://elsewhere.example/oauth2/token' })],
      ['the introspection endpoint as aud', () => ({ aud: sut.config.endpoints.introspection })],
      [
        'an aud array naming another party besides us',
        () => ({ aud: [sut.config.endpoints.token, 'https://elsewhere.example/oauth2/token'] }),
      ],
      [
        'an aud array naming the issuer and the endpoint',
        () => ({ aud: [sut.config.issuer, sut.config.endpoints.token] }),
      ],
      ['no exp', () => ({ exp: undefined })],
      ['an exp more than 5 minutes ahead', () => ({ exp: now() + 6 * 60 })],
      ['an exp in the past', () => ({ iat: now() - 600, exp: now() - 300 })],
      ['no jti', () => ({ jti: undefined })],
      ['an iss other than the client', () => ({ iss: CLIENTS.basic.clientId })],
    ])('refuses %s: 401 invalid_client', async (_case, claims) => {
      const jwt = await assertion(claims());
      expectInvalidClient(await clientCredentials(clientAuth.privateKeyJwt(jwt)));
    });

    it('accepts an exp just under 5 minutes ahead', async () => {
      const jwt = await assertion({ exp: now() + 4 * 60 });
      expect((await clientCredentials(clientAuth.privateKeyJwt(jwt))).status).toBe(200);
    });

    it('refuses a replayed jti: 401 invalid_client', async () => {
      const jwt = await assertion();
      expect((await clientCredentials(clientAuth.privateKeyJwt(jwt))).status).toBe(200);
      expectInvalidClient(await clientCredentials(clientAuth.privateKeyJwt(jwt)));
    });

    it('refuses a fresh assertion that reuses a seen jti', async () => {
      const jti = `jti-${Date.now()}`;
      expect(
        (await clientCredentials(clientAuth.privateKeyJwt(await assertion({ jti })))).status,
      ).toBe(200);
      expectInvalidClient(
        await clientCredentials(clientAuth.privateKeyJwt(await assertion({ jti }))),
      );
    });

    // RFC 7523 §3 item 7: a jti is single-use for as long as the assertion is accepted. The
    // server accepts an exp up to its clock-skew allowance in the past, so the jti must be
    // remembered for that allowance too, not only until exp.
    it('refuses a replay of an assertion accepted inside the clock-skew allowance after its exp', async () => {
      const jwt = await assertion({ iat: now() - 60, exp: now() - 5 });
      const first = await clientCredentials(clientAuth.privateKeyJwt(jwt));
      const replay = await clientCredentials(clientAuth.privateKeyJwt(jwt));
      expect([first.status, replay.status].filter((s) => s === 200).length).toBeLessThanOrEqual(1);
      expectInvalidClient(replay);
    });

    // Only asymmetric algorithms: neither the client's public key (algorithm confusion) nor a
    // client secret (client_secret_jwt, which is not offered) may serve as an HMAC key.
    it.each([
      [
        'the public key of the private_key_jwt client',
        () => sut.jwtClient.clientId,
        async () => exportSPKI((await importJWK(sut.jwtClient.publicJwk, 'ES256')) as KeyLike),
      ],
      [
        'the secret of a client_secret_basic client',
        () => CLIENTS.basic.clientId,
        async () => CLIENTS.basic.secret,
      ],
    ])(
      'refuses an HS256 assertion keyed with %s: 401 invalid_client',
      async (_case, clientId, secret) => {
        const jwt = await clientAssertion({
          clientId: clientId(),
          key: new TextEncoder().encode(await secret()),
          alg: 'HS256',
          kid: sut.jwtClient.kid,
          audience: sut.config.endpoints.token,
        });
        expectInvalidClient(await clientCredentials(clientAuth.privateKeyJwt(jwt)));
      },
    );

    it('refuses an assertion signed by a key the client did not register', async () => {
      const { privateKey } = await generateKeyPair('ES256');
      const jwt = await clientAssertion({
        clientId: sut.jwtClient.clientId,
        key: privateKey,
        kid: sut.jwtClient.kid,
        audience: sut.config.endpoints.token,
      });
      expectInvalidClient(await clientCredentials(clientAuth.privateKeyJwt(jwt)));
    });

    it('refuses a wrong client_assertion_type: 400 invalid_request', async () => {
      const res = await oauth.token({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:example:not-jwt-bearer',
        client_assertion: await assertion(),
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('public clients (token_endpoint_auth_method none, RFC 6749 §2.1, §3.2.1)', () => {
    it('authenticates by client_id alone, but gets no token by client_credentials: 400 unauthorized_client (RFC 6749 §4.4)', async () => {
      const res = await clientCredentials(clientAuth.publicClient(PUBLIC_CLIENT_ID));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unauthorized_client');
      expect(res.body.access_token).toBeUndefined();
    });

    it('the id of a confidential client alone is not enough: 401, as for an unknown id', async () => {
      const [confidential, unknown] = await Promise.all([
        clientCredentials(clientAuth.publicClient(CLIENTS.basic.clientId)),
        clientCredentials(clientAuth.publicClient('svc-unknown')),
      ]);
      for (const res of [confidential, unknown]) {
        expectInvalidClient(res);
        expect(res.headers.get('www-authenticate')).toBe(METHODS_CHALLENGE);
      }
      expect(confidential.body).toEqual(unknown.body);
    });

    it('a public client that sends a secret is refused: it has none (401 invalid_client)', async () => {
      const res = await clientCredentials(
        clientAuth.post({ clientId: PUBLIC_CLIENT_ID, secret: 'made-up-secret-0123456789' }),
      );
      expectInvalidClient(res);
    });
  });

  it('authenticates before it judges the request: a known resource is no help to a bad client', async () => {
    const wrong = { ...CLIENTS.basic, secret: 'not-the-secret-0123456789' };
    const res = await oauth.token(
      { grant_type: 'client_credentials', resource: RESOURCES.orders.identifier },
      clientAuth.basic(wrong),
    );
    expectInvalidClient(res);
  });
});

/** private_key_jwt clients whose keys are fetched from their jwks_uri (RFC 7591 §2). */
describe('token endpoint: private_key_jwt with a jwks_uri', () => {
  const kid = 'jwks-uri-key-1';
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let privateKey: KeyLike;
  const hosts: ClientJwksHost[] = [];
  let serving: ClientJwksHost;
  let stalling: ClientJwksHost;
  let failing: ClientJwksHost;
  let redirecting: ClientJwksHost;

  const keyClient = (clientId: string, jwksUri: string) => ({
    client_id: clientId,
    token_endpoint_auth_method: 'private_key_jwt',
    jwks_uri: jwksUri,
    grant_types: ['client_credentials'],
    scope: 'orders:read',
    resources: [RESOURCES.orders.identifier],
  });

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
    serving = await startClientJwksHost({ serve: [publicJwk] });
    stalling = await startClientJwksHost({ stallAfterHeaders: true });
    failing = await startClientJwksHost({ status: 500 });
    redirecting = await startClientJwksHost({
      redirectTo: serving.url.replace('127.0.0.1', 'localhost'),
    });
    hosts.push(serving, stalling, failing, redirecting);
    // Nothing listens there: connections are refused.
    const refused = `http://127.0.0.1:${await freePort()}/jwks`;
    sut = await startStandaloneServer(
      {},
      {
        extraClients: [
          keyClient('svc-jwks-uri', serving.url),
          keyClient('svc-jwks-refused', refused),
          keyClient('svc-jwks-stalling', stalling.url),
          keyClient('svc-jwks-failing', failing.url),
          keyClient('svc-jwks-redirecting', redirecting.url),
        ],
      },
    );
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(async () => {
    await sut?.close();
    await Promise.all(hosts.map((h) => h.close()));
  });

  const authenticate = async (clientId: string, aud = sut.config.endpoints.token) =>
    oauth.token(
      { grant_type: 'client_credentials' },
      clientAuth.privateKeyJwt(
        await clientAssertion({ clientId, key: privateKey, kid, audience: aud }),
      ),
    );

  const expectInvalidClient = (res: HttpResponse) => {
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  };

  it('authenticates with a key fetched from the jwks_uri, fetched once', async () => {
    const first = await authenticate('svc-jwks-uri');
    expect(first.status).toBe(200);
    expect(decodeJwt(first.body.access_token).client_id).toBe('svc-jwks-uri');
    expect((await authenticate('svc-jwks-uri')).status).toBe(200);
    expect(serving.requests()).toBe(1);
  });

  it('answers 401 invalid_client, not 500, when the jwks_uri refuses connections', async () => {
    expectInvalidClient(await authenticate('svc-jwks-refused'));
  });

  it('answers 401 invalid_client within the fetch deadline when the host stalls after its headers', async () => {
    const started = Date.now();
    expectInvalidClient(await authenticate('svc-jwks-stalling'));
    // The deadline is 2 s for the whole fetch; the margin is for a loaded machine.
    expect(Date.now() - started).toBeLessThan(8000);
    expect(stalling.requests()).toBe(1);
  });

  it('does not ask a failing jwks_uri again on every request', async () => {
    for (let i = 0; i < 5; i++) expectInvalidClient(await authenticate('svc-jwks-failing'));
    expect(failing.requests()).toBe(1);
  });

  it('does not follow a redirect to another host', async () => {
    const before = serving.requests();
    expectInvalidClient(await authenticate('svc-jwks-redirecting'));
    expect(redirecting.requests()).toBe(1);
    expect(serving.requests()).toBe(before);
  });
});
