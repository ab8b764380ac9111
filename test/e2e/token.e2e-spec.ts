import { decodeJwt, decodeProtectedHeader } from 'jose';
import { CLIENTS, JWT_RESOURCES, RESOURCES } from '../fixtures/test-registry';
import {
  eventsDuring,
  expectCloudEvent,
  expectNoEventContains,
  issuedEventOfOpaque,
  ofType,
  tokenDigest,
} from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, HttpResponse } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const OPAQUE_ACCESS_TOKEN = /^at_[A-Za-z0-9_-]{43}$/;

/** POST /oauth2/token with client_credentials (RFC 6749 §4.4, RFC 8707, RFC 9068). */
describe('token endpoint: client_credentials', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  const basic = clientAuth.basic(CLIENTS.basic);

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  const clientCredentials = (form: Record<string, string> = {}, auth = basic) =>
    oauth.token({ grant_type: 'client_credentials', ...form }, auth);

  const expectError = (res: HttpResponse, status: number, error: string) => {
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error, error_description: expect.any(String) });
  };

  const scopesOf = (res: HttpResponse) => String(res.body.scope).split(' ').sort();

  describe('success response (RFC 6749 §5.1)', () => {
    let res: HttpResponse;
    beforeAll(async () => {
      res = await clientCredentials({ resource: RESOURCES.orders.identifier });
    });

    it('is 200 JSON with access_token, token_type Bearer, expires_in and scope, and no refresh_token', () => {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: RESOURCES.orders.ttl,
        scope: expect.any(String),
      });
      expect(res.body).not.toHaveProperty('refresh_token');
    });

    it('is not cacheable: Cache-Control no-store and Pragma no-cache', () => {
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
    });
  });

  describe('error responses are not cacheable either', () => {
    it.each([
      ['invalid_request', () => oauth.token({}, basic)],
      ['invalid_client', () => oauth.token({ grant_type: 'client_credentials' })],
      ['invalid_scope', () => clientCredentials({ scope: 'nope' })],
      ['invalid_target', () => clientCredentials({ resource: 'https://unknown.example' })],
      ['unsupported_grant_type', () => oauth.token({ grant_type: 'password' }, basic)],
    ])('%s', async (error, request) => {
      const res = await request();
      expect(res.body.error).toBe(error);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
    });
  });

  describe('resource (RFC 8707)', () => {
    it.each(JWT_RESOURCES)('picks the API named by resource: $identifier', async (resource) => {
      const res = await clientCredentials({ resource: resource.identifier });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token).aud).toBe(resource.identifier);
      expect(res.body.expires_in).toBe(resource.ttl);
    });

    it("defaults to the client's first resource", async () => {
      const res = await clientCredentials();
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token).aud).toBe(RESOURCES.orders.identifier);
    });

    it.each([
      ['an unknown resource', 'https://unknown.test.example'],
      ['a resource not allowed for the client', RESOURCES.admin.identifier],
      ['a relative URI', 'orders'],
      ['a URI with a fragment', `${RESOURCES.orders.identifier}#x`],
    ])('refuses %s: 400 invalid_target', async (_case, resource) => {
      expectError(await clientCredentials({ resource }), 400, 'invalid_target');
    });

    /** RFC 8707 §2 allows several; one access token here carries one audience. */
    describe('given several times', () => {
      const withResources = (...ids: string[]) =>
        oauth.token(
          [['grant_type', 'client_credentials'], ...ids.map((id) => ['resource', id] as const)],
          basic,
        );

      it('the same resource repeated is that one resource: 200', async () => {
        const { identifier } = RESOURCES.edge;
        const res = await withResources(identifier, identifier);
        expect(res.status).toBe(200);
        expect(decodeJwt(res.body.access_token).aud).toBe(identifier);
      });

      it.each([
        ['two resources the client may request', [RESOURCES.orders, RESOURCES.edge]],
        ['a JWT and an opaque resource', [RESOURCES.orders, RESOURCES.ledger]],
        ['an allowed resource and one not allowed', [RESOURCES.orders, RESOURCES.admin]],
      ])(
        'different resources cannot be served together: 400 invalid_target, nothing issued (%s)',
        async (_case, resources) => {
          const { result: res, events } = await eventsDuring(sut, () =>
            withResources(...resources.map((r) => r.identifier)),
          );
          expectError(res, 400, 'invalid_target');
          expect(res.body.error_description).toMatch(/one resource/);
          expect(events).toEqual([]);
        },
      );
    });
  });

  describe('scope (RFC 6749 §3.3)', () => {
    it('grants an allowed subset as asked', async () => {
      const res = await clientCredentials({
        resource: RESOURCES.orders.identifier,
        scope: 'orders:write',
      });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('orders:write');
      expect(decodeJwt(res.body.access_token).scope).toBe('orders:write');
    });

    it.each([
      [RESOURCES.orders.identifier, ['orders:read', 'orders:write']],
      [RESOURCES.ledger.identifier, ['ledger:read']],
    ])('grants, when absent, every client scope that %s defines', async (resource, expected) => {
      const res = await clientCredentials({ resource });
      expect(res.status).toBe(200);
      expect(scopesOf(res)).toEqual(expected);
    });

    it.each([
      [
        'a scope the resource defines but the client may not have',
        RESOURCES.ledger,
        'ledger:read ledger:write',
      ],
      [
        'a scope of the client that the resource does not define',
        RESOURCES.orders,
        'orders:read ledger:read',
      ],
      ['a scope nobody defines', RESOURCES.orders, 'orders:delete'],
    ])('refuses %s: 400 invalid_scope', async (_case, resource, scope) => {
      expectError(
        await clientCredentials({ resource: resource.identifier, scope }),
        400,
        'invalid_scope',
      );
    });
  });

  describe('grant type', () => {
    it('refuses a grant the client is not registered for: 400 unauthorized_client', async () => {
      const res = await clientCredentials({}, clientAuth.basic(CLIENTS.noClientCredentials));
      expectError(res, 400, 'unauthorized_client');
    });

    it('refuses a client with no grant types at all: 400 unauthorized_client', async () => {
      const res = await clientCredentials({}, clientAuth.basic(CLIENTS.introspector));
      expectError(res, 400, 'unauthorized_client');
    });

    it('refuses an unknown grant: 400 unsupported_grant_type', async () => {
      const res = await oauth.token({ grant_type: 'urn:example:grant:unknown' }, basic);
      expectError(res, 400, 'unsupported_grant_type');
    });

    it('refuses a request without grant_type: 400 invalid_request', async () => {
      expectError(await oauth.token({}, basic), 400, 'invalid_request');
    });
  });

  describe('JWT access tokens (RFC 9068)', () => {
    it.each(JWT_RESOURCES.map((r) => [r.alg, r] as const))(
      'header: typ at+jwt, kid, alg %s as the resource asks',
      async (alg, resource) => {
        const res = await clientCredentials({ resource: resource.identifier });
        expect(decodeProtectedHeader(res.body.access_token)).toEqual({
          typ: 'at+jwt',
          alg,
          kid: expect.stringMatching(/\S/),
        });
      },
    );

    it('claims: iss, sub = client_id, aud = resource, exp, iat, nbf, jti, client_id, scope', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await clientCredentials({
        resource: RESOURCES.orders.identifier,
        scope: 'orders:read',
      });
      const after = Math.floor(Date.now() / 1000);
      const claims = decodeJwt(res.body.access_token);
      expect(claims).toEqual({
        iss: sut.url,
        sub: CLIENTS.basic.clientId,
        aud: RESOURCES.orders.identifier,
        client_id: CLIENTS.basic.clientId,
        scope: 'orders:read',
        jti: expect.stringMatching(/\S/),
        iat: expect.any(Number),
        nbf: expect.any(Number),
        exp: expect.any(Number),
      });
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.iat).toBeLessThanOrEqual(after);
      expect(claims.nbf).toBeLessThanOrEqual(claims.iat!);
      expect(claims.exp! - claims.iat!).toBe(RESOURCES.orders.ttl);
      expect(res.body.expires_in).toBe(claims.exp! - claims.iat!);
    });

    it('gives every token its own jti', async () => {
      const tokens = await Promise.all([
        clientCredentials(),
        clientCredentials(),
        clientCredentials(),
      ]);
      const jtis = tokens.map((t) => decodeJwt(t.body.access_token).jti);
      expect(new Set(jtis).size).toBe(3);
    });
  });

  describe('opaque access tokens', () => {
    it('are at_ and 256 random bits in base64url, unique per request', async () => {
      const [a, b] = await Promise.all([
        clientCredentials({ resource: RESOURCES.ledger.identifier }),
        clientCredentials({ resource: RESOURCES.ledger.identifier }),
      ]);
      expect(a.body.access_token).toMatch(OPAQUE_ACCESS_TOKEN);
      expect(b.body.access_token).toMatch(OPAQUE_ACCESS_TOKEN);
      expect(a.body.access_token).not.toBe(b.body.access_token);
      expect(a.body).toMatchObject({
        token_type: 'Bearer',
        expires_in: RESOURCES.ledger.ttl,
        scope: 'ledger:read',
      });
    });

    it('appear on no event: token.issued carries only their SHA-256 digest', async () => {
      const res = await clientCredentials({ resource: RESOURCES.ledger.identifier });
      const token: string = res.body.access_token;
      expect(issuedEventOfOpaque(sut.events(), token)).toMatchObject({
        data: { format: 'opaque', aud: RESOURCES.ledger.identifier },
      });
      expectNoEventContains(sut.events(), token);
    });
  });

  describe('token.issued events', () => {
    const byJti = (token: string) => ({ jti: decodeJwt(token).jti });
    const byDigest = (token: string) => ({ token_digest: tokenDigest(token) });
    it.each([
      ['a JWT (ES256)', RESOURCES.orders, byJti],
      ['a JWT (EdDSA)', RESOURCES.edge, byJti],
      ['an opaque token', RESOURCES.ledger, byDigest],
    ])('one CloudEvent for %s, naming it without carrying it', async (_case, resource, names) => {
      const { result: res, events } = await eventsDuring(sut, () =>
        clientCredentials({ resource: resource.identifier }),
      );
      expect(res.status).toBe(200);
      const token: string = res.body.access_token;
      expect(events).toHaveLength(1);
      const [event] = ofType(events, 'token.issued');
      expectCloudEvent(event, 'token.issued');
      expect(event!.subject).toBe(event!.data.jti);
      expect(event!.data).toMatchObject({
        client_id: CLIENTS.basic.clientId,
        sub: CLIENTS.basic.clientId,
        aud: resource.identifier,
        scope: res.body.scope,
        grant_type: 'client_credentials',
        format: resource.format,
        exp: event!.data.iat + resource.ttl,
        ...names(token),
      });
      expectNoEventContains(sut.events(), token);
    });

    it('gives every event its own id', () => {
      const ids = sut.events().map((e) => e.id);
      expect(ids.length).toBeGreaterThan(1);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('emits nothing for a refused request', async () => {
      const { events } = await eventsDuring(sut, () => clientCredentials({ scope: 'nope' }));
      expect(events).toEqual([]);
    });
  });

  describe('request body (RFC 6749 §3.2)', () => {
    it('refuses a repeated parameter: 400 invalid_request', async () => {
      const res = await oauth.token(
        [
          ['grant_type', 'client_credentials'],
          ['scope', 'orders:read'],
          ['scope', 'orders:write'],
        ],
        basic,
      );
      expectError(res, 400, 'invalid_request');
    });

    // RFC 6749 §3.1: "The authorization server MUST ignore unrecognized request parameters."
    it('ignores parameters the grant does not take, known elsewhere or made up: 200', async () => {
      const res = await clientCredentials({
        code: 'not-for-this-grant',
        redirect_uri: 'https://client.example/cb',
        token: 'x',
        made_up: 'y',
      });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token).client_id).toBe(CLIENTS.basic.clientId);
    });

    it('refuses a JSON body: 400 invalid_request', async () => {
      const res = await oauth.rawToken(
        JSON.stringify({ grant_type: 'client_credentials' }),
        'application/json',
        basic,
      );
      expectError(res, 400, 'invalid_request');
    });

    it('accepts a form body with a charset parameter', async () => {
      const res = await oauth.rawToken(
        'grant_type=client_credentials',
        'application/x-www-form-urlencoded; charset=UTF-8',
        basic,
      );
      expect(res.status).toBe(200);
    });

    it('refuses a body over 64 KiB: 413 with an RFC 6749 §5.2 error body', async () => {
      const res = await clientCredentials({ padding: 'x'.repeat(64 * 1024) });
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        error: expect.stringMatching(/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/),
        error_description: expect.any(String),
      });
      expect(res.headers.get('cache-control')).toBe('no-store');
    });
  });
});
