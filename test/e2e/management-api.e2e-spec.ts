import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { ClientRegistry } from '@app/registry';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { basicAuthorization, clientAuth, HttpResponse, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** MAX_TOKEN_TTL of the suite's server: above the test registry's longest lifetime. */
const CEILING = 3600;
const ADMIN = basicAuthorization(CLIENTS.admin.clientId, CLIENTS.admin.secret);

/**
 * The admin API for the registry (docs/openapi.yaml): clients and resources in
 * CONFIG_FILE's JSON shape, changed at run time and in effect at the answer.
 */
describe('admin API: clients and resources', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    sut = await startStandaloneServer({
      MAX_TOKEN_TTL: String(CEILING),
      USERINFO_TOKEN_TTL_SECONDS: String(CEILING),
    });
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  const call = (
    method: string,
    path: string,
    body?: unknown,
    authorization: string | null = ADMIN,
  ): Promise<HttpResponse> =>
    send(`${sut.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(authorization === null ? {} : { authorization }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const unique = (what: string) => `${what}-${randomBytes(6).toString('base64url')}`;
  const resourcePath = (identifier: string) => `/admin/resources/${encodeURIComponent(identifier)}`;
  const newApi = async (ttl = 900) => {
    const identifier = `https://${unique('api')}.test.example`;
    const res = await call('POST', '/admin/resources', {
      identifier,
      scopes: ['things:read'],
      access_token_ttl: ttl,
    });
    expect(res.status).toBe(201);
    return identifier;
  };
  const newClient = async (identifier: string) => {
    const clientId = unique('svc');
    const res = await call('POST', '/admin/clients', {
      client_id: clientId,
      grant_types: ['client_credentials'],
      scope: 'things:read',
      resources: [identifier],
    });
    expect(res.status).toBe(201);
    return { clientId, secret: res.body.client_secret as string };
  };

  it('registers a client and a resource, usable at once; the secret shown once, never stored', async () => {
    const identifier = await newApi();
    const { clientId, secret } = await newClient(identifier);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const read = await call('GET', `/admin/clients/${encodeURIComponent(clientId)}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('cache-control')).toBe('no-store');
    expect(read.body).toMatchObject({ client_id: clientId, resources: [identifier] });
    expect(read.body.client_secret_hash).toMatch(/^\$scrypt\$/);
    expect(read.text).not.toContain(secret);
    const token = await oauth.accessToken(clientAuth.basic({ clientId, secret }), {
      resource: identifier,
    });
    expect(decodeJwt(token)).toMatchObject({ aud: identifier, client_id: clientId });
    const listed = await call('GET', '/admin/clients');
    expect(listed.body.clients.map((c: { client_id: string }) => c.client_id)).toContain(clientId);
    expect(listed.text).not.toContain(CLIENTS.basic.secret);
  });

  it('shows the new resource scopes in the metadata document', async () => {
    const identifier = `https://${unique('meta')}.test.example`;
    const scope = `${unique('meta')}:read`;
    expect((await call('POST', '/admin/resources', { identifier, scopes: [scope] })).status).toBe(
      201,
    );
    const metadata = await send(`${sut.url}/.well-known/oauth-authorization-server`);
    expect(metadata.body.scopes_supported).toContain(scope);
  });

  it('has a lifetime change in the very next token', async () => {
    const identifier = await newApi(900);
    const client = await newClient(identifier);
    const lifetime = async () => {
      const t = decodeJwt(
        await oauth.accessToken(clientAuth.basic(client), { resource: identifier }),
      );
      return t.exp! - t.iat!;
    };
    expect(await lifetime()).toBe(900);
    const changed = await call('PUT', resourcePath(identifier), {
      scopes: ['things:read'],
      access_token_ttl: 120,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ identifier, access_token_ttl: 120 });
    expect(await lifetime()).toBe(120);
  });

  it.each([
    ['not JSON', '{"client_id":', 'the body is not valid JSON'],
    ['an array', [], '$: must be a JSON object'],
    ['no client_id', { resources: [] }, '$.client_id: must be a non-empty string'],
    [
      'an unknown resource',
      { client_id: 'x1', resources: ['https://nowhere.example'] },
      '$.resources[0]',
    ],
    ['a scope no resource offers', { client_id: 'x2', scope: 'nope', resources: [] }, '$.scope'],
    [
      'an unknown auth method',
      { client_id: 'x3', token_endpoint_auth_method: 'magic' },
      '$.token_endpoint_auth_method',
    ],
    ['a short secret', { client_id: 'x4', client_secret: 'short' }, '$.client_secret'],
    [
      'a malformed secret hash',
      { client_id: 'x5', client_secret_hash: 'plain' },
      '$.client_secret_hash',
    ],
    [
      'a private key in jwks',
      {
        client_id: 'x6',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ kty: 'EC', d: 'x' }] },
      },
      '$.jwks.keys[0]',
    ],
    [
      'an http jwks_uri',
      {
        client_id: 'x7',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'http://keys.example/jwks',
      },
      '$.jwks_uri',
    ],
    [
      'a bad redirect URI',
      {
        client_id: 'x8',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        redirect_uris: ['not a url'],
      },
      '$.redirect_uris[0]',
    ],
  ])('refuses a client with %s: 400 invalid_request naming the member', async (_, body, start) => {
    const res = await call('POST', '/admin/clients', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description.startsWith(start)).toBe(true);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    ['no identifier', { scopes: [] }, '$.identifier'],
    ['a relative identifier', { identifier: 'orders', scopes: [] }, '$.identifier'],
    [
      'an OpenID scope',
      { identifier: 'https://oidc.test.example', scopes: ['openid'] },
      '$.scopes[0]',
    ],
    [
      'a bad format',
      { identifier: 'https://fmt.test.example', scopes: [], access_token_format: 'xml' },
      '$.access_token_format',
    ],
    [
      'a bad algorithm',
      { identifier: 'https://alg.test.example', scopes: [], signing_alg: 'HS256' },
      '$.signing_alg',
    ],
    [
      'a zero lifetime',
      { identifier: 'https://ttl.test.example', scopes: [], access_token_ttl: 0 },
      '$.access_token_ttl',
    ],
    [
      'a lifetime above MAX_TOKEN_TTL',
      { identifier: 'https://ttl2.test.example', scopes: [], access_token_ttl: CEILING + 1 },
      `$.access_token_ttl: must be at most ${CEILING} seconds (MAX_TOKEN_TTL)`,
    ],
  ])(
    'refuses a resource with %s: 400 invalid_request naming the member',
    async (_, body, start) => {
      const res = await call('POST', '/admin/resources', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.error_description.startsWith(start)).toBe(true);
    },
  );

  it('answers 409 for a client id or identifier taken, and 404 for an unknown one', async () => {
    const taken = await call('POST', '/admin/clients', { client_id: CLIENTS.basic.clientId });
    expect(taken).toMatchObject({ status: 409, body: { error: 'conflict' } });
    const again = await call('POST', '/admin/resources', {
      identifier: RESOURCES.orders.identifier,
      scopes: ['orders:read'],
    });
    expect(again.status).toBe(409);
    for (const path of ['/admin/clients/nobody', resourcePath('https://nowhere.example')]) {
      expect((await call('GET', path)).status).toBe(404);
      expect((await call('DELETE', path)).status).toBe(404);
    }
  });

  it('refuses to delete a resource a client names (409), and deletes it once none does', async () => {
    const identifier = await newApi();
    const { clientId } = await newClient(identifier);
    const inUse = await call('DELETE', resourcePath(identifier));
    expect(inUse.status).toBe(409);
    expect(inUse.body.error_description).toContain(clientId);
    expect((await call('DELETE', `/admin/clients/${clientId}`)).status).toBe(204);
    expect((await call('DELETE', resourcePath(identifier))).status).toBe(204);
    expect((await call('GET', resourcePath(identifier))).status).toBe(404);
  });

  it('deletes a client: its tokens are refused at introspection, its secret no longer works', async () => {
    const clientId = unique('svc');
    const created = await call('POST', '/admin/clients', {
      client_id: clientId,
      grant_types: ['client_credentials'],
      scope: 'orders:read',
      resources: [RESOURCES.orders.identifier],
    });
    const client = { clientId, secret: created.body.client_secret as string };
    const token = await oauth.accessToken(clientAuth.basic(client), {
      resource: RESOURCES.orders.identifier,
    });
    // The introspector serves the orders API (`introspects`): it may ask about these tokens.
    const introspect = () => oauth.introspect({ token }, clientAuth.basic(CLIENTS.introspector));
    expect((await introspect()).body.active).toBe(true);
    expect((await call('DELETE', `/admin/clients/${clientId}`)).status).toBe(204);
    expect((await introspect()).body).toEqual({ active: false });
    const refused = await oauth.token(
      { grant_type: 'client_credentials', resource: RESOURCES.orders.identifier },
      clientAuth.basic(client),
    );
    expect(refused.status).toBe(401);
    expect((await call('GET', `/admin/clients/${clientId}`)).status).toBe(404);
    const revoked = sut.events().filter((e) => e.type === 'client.tokens_revoked');
    expect(revoked.at(-1)?.data).toMatchObject({ client_id: clientId, reason: 'client_deleted' });
  });

  it('rotates a secret with an overlap: old and new both work, the new shown once', async () => {
    const identifier = await newApi();
    const client = await newClient(identifier);
    const res = await call('POST', `/admin/clients/${client.clientId}/secret`, {
      overlap_seconds: 300,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.previous_secret_expires_at).toBeGreaterThan(Date.now() / 1000 + 290);
    const rotated = { clientId: client.clientId, secret: res.body.client_secret as string };
    await oauth.accessToken(clientAuth.basic(rotated), { resource: identifier });
    await oauth.accessToken(clientAuth.basic(client), { resource: identifier });
    const bad = await call('POST', `/admin/clients/${client.clientId}/secret`, {
      overlap_seconds: -5,
    });
    expect(bad.status).toBe(400);
    const unknownField = await call('POST', `/admin/clients/${client.clientId}/secret`, {
      overlap: 5,
    });
    expect(unknownField.status).toBe(400);
  });

  it('replaces a client: its secret kept when none is given, client_id not changeable', async () => {
    const identifier = await newApi();
    const client = await newClient(identifier);
    const replaced = await call('PUT', `/admin/clients/${client.clientId}`, {
      grant_types: ['client_credentials'],
      scope: 'things:read',
      resources: [identifier],
      dpop_bound_access_tokens: false,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.dpop_bound_access_tokens).toBe(false);
    expect(replaced.body).not.toHaveProperty('client_secret');
    await oauth.accessToken(clientAuth.basic(client), { resource: identifier });
    const renamed = await call('PUT', `/admin/clients/${client.clientId}`, {
      client_id: 'another',
      resources: [identifier],
    });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error_description.startsWith('$.client_id')).toBe(true);
  });

  it.each([
    ['no credentials', null, 401, 'invalid_client'],
    [
      'a wrong secret',
      basicAuthorization(CLIENTS.admin.clientId, 'wrong-secret-0123456789'),
      401,
      'invalid_client',
    ],
    [
      'a client that is not an admin',
      basicAuthorization(CLIENTS.basic.clientId, CLIENTS.basic.secret),
      403,
      'unauthorized_client',
    ],
  ])('refuses a caller with %s (%i)', async (_, authorization, status, error) => {
    for (const [method, path, body] of [
      ['GET', '/admin/clients', undefined],
      ['POST', '/admin/clients', { client_id: unique('intruder') }],
      ['PUT', `/admin/clients/${CLIENTS.basic.clientId}`, { resources: [] }],
      ['DELETE', `/admin/clients/${CLIENTS.basic.clientId}`, undefined],
      ['POST', `/admin/clients/${CLIENTS.basic.clientId}/secret`, {}],
      ['GET', '/admin/resources', undefined],
      ['DELETE', resourcePath(RESOURCES.orders.identifier), undefined],
    ] as const) {
      const res = await call(method, path, body, authorization);
      expect([method, path, res.status, res.body.error]).toEqual([method, path, status, error]);
    }
    expect(sut.app.get(ClientRegistry).client(CLIENTS.basic.clientId)).toBeDefined();
  });

  it('reads a resource by its URL-encoded identifier', async () => {
    const res = await call('GET', resourcePath(RESOURCES.orders.identifier));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ identifier: RESOURCES.orders.identifier });
  });
});
