import { INITIAL_ACCESS_TOKEN_STORE, InitialAccessTokenStore } from '@app/store';
import { tokenDigest } from '@app/tokens';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { ofType } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import {
  basicAuthorization,
  clientAuth,
  HttpResponse,
  JsonBody,
  send,
} from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const ADMIN = basicAuthorization(CLIENTS.admin.clientId, CLIENTS.admin.secret);
const { orders } = RESOURCES;

/** A confidential service: what most registrations look like. */
const SERVICE = {
  grant_types: ['client_credentials'],
  scope: 'orders:read',
  resources: [orders.identifier],
  client_name: 'Orders sync (ignored: not a field this server keeps)',
};
const WEB = {
  redirect_uris: ['https://app.example.com/cb'],
  scope: 'openid orders:read',
  resources: [orders.identifier],
};

/**
 * Dynamic client registration (RFC 7591) and the client configuration endpoint (RFC 7592)
 * against the booted standalone server: initial access tokens from the admin API, metadata
 * validated as a configured client's, no self-granted privileges, the registration access token
 * rotated on every update, a deleted client refused at once.
 */
describe('dynamic client registration', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(async () => {
    await sut?.close();
  });

  const json = (
    method: string,
    path: string,
    body: unknown,
    authorization?: string,
  ): Promise<HttpResponse> =>
    send(`${sut.url}${path}`, {
      method,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const initialAccessToken = async (body: unknown = {}): Promise<string> => {
    const res = await json('POST', '/admin/initial-access-tokens', body, ADMIN);
    expect(res.status).toBe(200);
    return res.body.initial_access_token as string;
  };
  const register = (body: unknown, token?: string) =>
    json('POST', '/oauth2/register', body, token ? `Bearer ${token}` : undefined);
  const configuration = (method: string, clientId: string, token: string, body?: unknown) =>
    json(method, `/oauth2/register/${encodeURIComponent(clientId)}`, body, `Bearer ${token}`);
  const expectNoStore = (res: HttpResponse) => {
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
  };
  const expectInvalidToken = (res: HttpResponse, presented = true) => {
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_token');
    expect(res.headers.get('www-authenticate')).toBe(
      presented
        ? 'Bearer realm="registration", error="invalid_token"'
        : 'Bearer realm="registration"',
    );
    expectNoStore(res);
  };

  describe('POST /admin/initial-access-tokens', () => {
    it('answers a token shown once, with its lifetime, never cached', async () => {
      const res = await json('POST', '/admin/initial-access-tokens', { expires_in: 600 }, ADMIN);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        initial_access_token: expect.stringMatching(/^iat_[\w-]{43}$/),
        expires_in: 600,
        uses: 1,
      });
      expectNoStore(res);
      const store = sut.app.get<InitialAccessTokenStore>(INITIAL_ACCESS_TOKEN_STORE);
      await expect(
        store.find(tokenDigest(res.body.initial_access_token as string)),
      ).resolves.toMatchObject({ issuedBy: CLIENTS.admin.clientId, uses: 1, remaining: 1 });
    });

    it('is recorded for auditors, by digest only, before it is answered', async () => {
      const res = await json('POST', '/admin/initial-access-tokens', { uses: 3 }, ADMIN);
      const token = res.body.initial_access_token as string;
      const digest = tokenDigest(token);
      const recorded = ofType(sut.events(), 'initial_access_token.issued').filter(
        (e) => e.subject === digest,
      );
      expect(recorded.map((e) => e.data)).toEqual([
        {
          token_digest: digest,
          issued_by: CLIENTS.admin.clientId,
          uses: 3,
          exp: expect.any(Number),
        },
      ]);
      expect(recorded[0]!.data.exp - Date.now() / 1000).toBeGreaterThan(86_000);
      expect(JSON.stringify(sut.events())).not.toContain(token);
    });

    it('takes no body at all: the defaults', async () => {
      const res = await send(`${sut.url}/admin/initial-access-tokens`, {
        method: 'POST',
        headers: { authorization: ADMIN },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ expires_in: 86_400, uses: 1 });
    });

    it('is for admin clients only: 401 without credentials, 403 for another client', async () => {
      const anonymous = await json('POST', '/admin/initial-access-tokens', {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBe('invalid_client');
      const basic = basicAuthorization(CLIENTS.basic.clientId, CLIENTS.basic.secret);
      const notAdmin = await json('POST', '/admin/initial-access-tokens', {}, basic);
      expect(notAdmin.status).toBe(403);
      expect(notAdmin.body.error).toBe('unauthorized_client');
    });

    it.each([
      [{ expires_in: 59 }],
      [{ expires_in: 604_801 }],
      [{ expires_in: '600' }],
      [{ uses: 0 }],
      [{ uses: 1001 }],
      [{ uses: 1.5 }],
      [{ scope: 'x' }],
      [[]],
    ])('refuses %j with invalid_request', async (body) => {
      const res = await json('POST', '/admin/initial-access-tokens', body, ADMIN);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('POST /oauth2/register: who may register', () => {
    it('is closed without an initial access token by default', async () => {
      expect(sut.config.registration.open).toBe(false);
      expectInvalidToken(await register(SERVICE), false);
    });

    it('refuses an unknown, a spent and an expired initial access token', async () => {
      expectInvalidToken(await register(SERVICE, `iat_${'A'.repeat(43)}`));
      const once = await initialAccessToken({ uses: 1 });
      expect((await register(SERVICE, once)).status).toBe(201);
      expectInvalidToken(await register(SERVICE, once));

      const store = sut.app.get<InitialAccessTokenStore>(INITIAL_ACCESS_TOKEN_STORE);
      const expiring = `iat_${'B'.repeat(43)}`;
      await store.issue(tokenDigest(expiring), {
        issuedBy: CLIENTS.admin.clientId,
        uses: 5,
        issuedAt: Date.now(),
        expiresAt: Date.now() + 300,
      });
      await new Promise((r) => setTimeout(r, 400));
      expectInvalidToken(await register(SERVICE, expiring));
    });

    it('lets a token register as many clients as its uses, no more', async () => {
      const token = await initialAccessToken({ uses: 2 });
      expect((await register(SERVICE, token)).status).toBe(201);
      expect((await register(SERVICE, token)).status).toBe(201);
      expectInvalidToken(await register(SERVICE, token));
    });
  });

  describe('POST /oauth2/register: metadata', () => {
    const cases: [string, string, Record<string, unknown>][] = [
      [
        'an http redirect URI',
        'invalid_redirect_uri',
        { ...WEB, redirect_uris: ['http://app.example.com/cb'] },
      ],
      [
        'a redirect URI with a fragment',
        'invalid_redirect_uri',
        { ...WEB, redirect_uris: ['https://a.example/cb#x'] },
      ],
      [
        'a wildcard redirect URI',
        'invalid_redirect_uri',
        { ...WEB, redirect_uris: ['https://*.example.com/cb'] },
      ],
      [
        'a code client without redirect URIs',
        'invalid_redirect_uri',
        { scope: 'orders:read', resources: [orders.identifier] },
      ],
      [
        'a bad logout URI',
        'invalid_redirect_uri',
        { ...WEB, post_logout_redirect_uris: ['javascript:alert(1)'] },
      ],
      ['admin', 'invalid_client_metadata', { ...SERVICE, admin: true }],
      ['login_provider', 'invalid_client_metadata', { ...WEB, login_provider: true }],
      ['introspects', 'invalid_client_metadata', { ...SERVICE, introspects: [orders.identifier] }],
      ['skip_consent', 'invalid_client_metadata', { ...WEB, skip_consent: true }],
      ['rate_limit', 'invalid_client_metadata', { ...SERVICE, rate_limit: { token: 0 } }],
      [
        'token_exchange',
        'invalid_client_metadata',
        { ...SERVICE, token_exchange: { audiences: [] } },
      ],
      [
        'federated_credentials',
        'invalid_client_metadata',
        { ...SERVICE, federated_credentials: [] },
      ],
      [
        'the JWT-bearer grant',
        'invalid_client_metadata',
        { ...SERVICE, grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'] },
      ],
      [
        'the token-exchange grant',
        'invalid_client_metadata',
        { ...SERVICE, grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'] },
      ],
      ['the implicit grant', 'invalid_client_metadata', { ...SERVICE, grant_types: ['implicit'] }],
      [
        'a token response type',
        'invalid_client_metadata',
        { ...WEB, response_types: ['code', 'token'] },
      ],
      [
        'code without the code grant',
        'invalid_client_metadata',
        { ...SERVICE, response_types: ['code'] },
      ],
      [
        'a chosen client_secret',
        'invalid_client_metadata',
        { ...SERVICE, client_secret: 'my-own-secret-0123456789' },
      ],
      [
        'client_secret_jwt',
        'invalid_client_metadata',
        { ...SERVICE, token_endpoint_auth_method: 'client_secret_jwt' },
      ],
      [
        'a public client with client_credentials',
        'invalid_client_metadata',
        { ...SERVICE, token_endpoint_auth_method: 'none' },
      ],
      [
        'a scope no resource defines',
        'invalid_client_metadata',
        { ...SERVICE, scope: 'orders:delete' },
      ],
      [
        'an unknown resource',
        'invalid_client_metadata',
        { ...SERVICE, resources: ['https://nowhere.example'] },
      ],
      [
        'an OpenID scope without the code grant',
        'invalid_client_metadata',
        { ...SERVICE, scope: 'openid orders:read' },
      ],
      [
        'a scope that is not a string',
        'invalid_client_metadata',
        { ...SERVICE, scope: ['orders:read'] },
      ],
      [
        'id_token_signed_response_alg none',
        'invalid_client_metadata',
        { ...WEB, id_token_signed_response_alg: 'none' },
      ],
      ['an unknown subject_type', 'invalid_client_metadata', { ...WEB, subject_type: 'random' }],
      [
        'a non-boolean flag',
        'invalid_client_metadata',
        { ...SERVICE, dpop_bound_access_tokens: 'yes' },
      ],
      [
        'a refresh TTL out of range',
        'invalid_client_metadata',
        { ...WEB, grant_types: ['authorization_code', 'refresh_token'], refresh_token_ttl: 0 },
      ],
      [
        'refresh settings without the grant',
        'invalid_client_metadata',
        { ...WEB, refresh_token_ttl: 60 },
      ],
      [
        'private_key_jwt without keys',
        'invalid_client_metadata',
        { ...SERVICE, token_endpoint_auth_method: 'private_key_jwt' },
      ],
      [
        'a private key in jwks',
        'invalid_client_metadata',
        {
          ...SERVICE,
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }] },
        },
      ],
      [
        'a jwks_uri that is no URL',
        'invalid_client_metadata',
        { ...SERVICE, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'keys' },
      ],
      [
        'a software statement',
        'invalid_software_statement',
        { ...SERVICE, software_statement: 'eyJhbGciOiJub25lIn0.e30.' },
      ],
      ['an array body', 'invalid_client_metadata', [] as unknown as Record<string, unknown>],
    ];

    it.each(cases)('refuses %s with %s, and the token keeps its use', async (_, error, body) => {
      const token = await initialAccessToken({ uses: 1 });
      const res = await register(body, token);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe(error);
      expect(typeof res.body.error_description).toBe('string');
      expectNoStore(res);
      // Nothing was registered, and the token's one use was given back.
      expect((await register(SERVICE, token)).status).toBe(201);
    });

    it('refuses a body that is not JSON', async () => {
      const token = await initialAccessToken();
      const res = await send(`${sut.url}/oauth2/register`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"grant_types": [',
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('a registered client, from registration to deletion', () => {
    let registered: JsonBody;
    let token: string;

    it('registers: 201, generated credentials shown once, metadata in effect', async () => {
      const res = await register(SERVICE, await initialAccessToken());
      expect(res.status).toBe(201);
      expectNoStore(res);
      registered = res.body;
      token = registered.registration_access_token as string;
      expect(registered).toMatchObject({
        client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        client_secret: expect.stringMatching(/^[\w-]{43}$/),
        client_secret_expires_at: 0,
        client_id_issued_at: expect.any(Number),
        registration_access_token: expect.stringMatching(/^rat_[\w-]{43}$/),
        registration_client_uri: `${sut.url}/oauth2/register/${registered.client_id as string}`,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        scope: 'orders:read',
        resources: [orders.identifier],
      });
      expect(registered).not.toHaveProperty('client_name');
      // Neither the secret nor the registration access token is on any event.
      const events = JSON.stringify(sut.events());
      expect(events).not.toContain(registered.client_secret as string);
      expect(events).not.toContain(token);
    });

    it('obtains tokens with client_credentials', async () => {
      const client = {
        clientId: registered.client_id as string,
        secret: registered.client_secret as string,
      };
      const res = await oauth.token(
        { grant_type: 'client_credentials', scope: 'orders:read', resource: orders.identifier },
        clientAuth.basic(client),
      );
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('orders:read');
      registered = { ...registered, access_token: res.body.access_token };
    });

    it('reads its registration with the registration access token, secret never shown again', async () => {
      const res = await configuration('GET', registered.client_id as string, token);
      expect(res.status).toBe(200);
      expectNoStore(res);
      expect(res.body).toMatchObject({ client_id: registered.client_id, scope: 'orders:read' });
      expect(res.body).not.toHaveProperty('client_secret');
      expect(res.body).not.toHaveProperty('registration_access_token');
    });

    it('refuses a missing, wrong or other client token, and any configured client', async () => {
      const id = registered.client_id as string;
      const res = await send(`${sut.url}/oauth2/register/${id}`);
      expectInvalidToken(res, false);
      expectInvalidToken(await configuration('GET', id, `rat_${'A'.repeat(43)}`));
      const other = await register(SERVICE, await initialAccessToken());
      expectInvalidToken(
        await configuration('GET', id, other.body.registration_access_token as string),
      );
      expectInvalidToken(await configuration('GET', CLIENTS.basic.clientId, token));
      expectInvalidToken(await configuration('DELETE', CLIENTS.admin.clientId, token));
      expectInvalidToken(await configuration('GET', 'no-such-client', token));
    });

    it('updates, rotating the token: the old (stolen) one is refused from then on', async () => {
      const id = registered.client_id as string;
      const stolen = token;
      const res = await configuration('PUT', id, stolen, {
        ...SERVICE,
        client_id: id,
        client_secret: registered.client_secret,
        scope: 'orders:read orders:write',
        registration_access_token: stolen,
        registration_client_uri: registered.registration_client_uri,
      });
      expect(res.status).toBe(200);
      expectNoStore(res);
      expect(res.body).toMatchObject({ client_id: id, scope: 'orders:read orders:write' });
      expect(res.body).not.toHaveProperty('client_secret');
      token = res.body.registration_access_token as string;
      expect(token).toMatch(/^rat_/);
      expect(token).not.toBe(stolen);

      expectInvalidToken(await configuration('GET', id, stolen));
      expectInvalidToken(await configuration('PUT', id, stolen, { ...SERVICE, client_id: id }));
      expectInvalidToken(await configuration('DELETE', id, stolen));
      const now = await configuration('GET', id, token);
      expect(now.status).toBe(200);
      expect(now.body.scope).toBe('orders:read orders:write');
    });

    it('refuses an update with bad metadata, a privilege or another client id, changing nothing', async () => {
      const id = registered.client_id as string;
      for (const [body, error] of [
        [{ ...SERVICE, client_id: id, admin: true }, 'invalid_client_metadata'],
        [{ ...SERVICE, client_id: 'someone-else' }, 'invalid_client_metadata'],
        [{ ...SERVICE }, 'invalid_client_metadata'],
        [{ ...SERVICE, client_id: id, client_secret: 'not-the-secret' }, 'invalid_client_metadata'],
        [
          { ...WEB, client_id: id, redirect_uris: ['http://evil.example/cb'] },
          'invalid_redirect_uri',
        ],
      ] as const) {
        const res = await configuration('PUT', id, token, body);
        expect([res.status, res.body.error]).toEqual([400, error]);
      }
      const now = await configuration('GET', id, token);
      expect(now.body.scope).toBe('orders:read orders:write');
    });

    it('deletes: 204, its token no longer works, the client is refused at the token endpoint', async () => {
      const id = registered.client_id as string;
      const res = await configuration('DELETE', id, token);
      expect(res.status).toBe(204);
      expectNoStore(res);
      expectInvalidToken(await configuration('GET', id, token));
      const refused = await oauth.token(
        { grant_type: 'client_credentials', scope: 'orders:read', resource: orders.identifier },
        clientAuth.basic({ clientId: id, secret: registered.client_secret as string }),
      );
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('invalid_client');
      const introspected = await oauth.introspect(
        { token: registered.access_token as string },
        clientAuth.basic(CLIENTS.introspector),
      );
      expect(introspected.body.active).toBe(false);
    });
  });

  it('registers a code client whose defaults are shown', async () => {
    const res = await register(WEB, await initialAccessToken());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: WEB.redirect_uris,
      id_token_signed_response_alg: 'RS256',
      subject_type: 'public',
      require_pushed_authorization_requests: false,
    });
  });
});

describe('dynamic client registration, opened by the operator and rate-limited', () => {
  let sut: StandaloneServer;

  beforeAll(async () => {
    sut = await startStandaloneServer({
      OPEN_REGISTRATION: 'true',
      RATE_LIMIT_REGISTRATION_PER_ADDRESS: '3',
      RATE_LIMIT_WINDOW_SECONDS: '60',
    });
  });
  afterAll(async () => {
    await sut?.close();
  });

  const register = (authorization?: string, body: unknown = WEB) =>
    send(`${sut.url}/oauth2/register`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify(body),
    });

  it('registers without a token, still checks one that is presented, then limits the address', async () => {
    const created = await register();
    expect(created.status).toBe(201);
    const wrong = await register(`Bearer iat_${'C'.repeat(43)}`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_token');
    // Anonymous: access only through a user's consent, never client_credentials.
    const service = await register(undefined, SERVICE);
    expect(service.status).toBe(400);
    expect(service.body.error).toBe('invalid_client_metadata');
    const limited = await register();
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('temporarily_unavailable');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
