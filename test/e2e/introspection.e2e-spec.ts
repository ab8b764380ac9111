import { decodeJwt, JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import { SIGNING_ALGS } from '@app/config';
import { IdTokenFormat } from '@app/tokens';
import { CLIENTS, JWT_RESOURCES, PUBLIC_CLIENT_ID, RESOURCES } from '../fixtures/test-registry';
import { clientAssertion } from '../support/client-assertion';
import { fakeClock } from '../support/fake-clock';
import { issuedEventOfOpaque } from '../support/lifecycle-events';
import {
  hmacWithPublicKey,
  signedByForeignKey,
  unsecured,
  withClaimsRewritten,
  withPayloadCharFlipped,
} from '../support/forged-tokens';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth, send } from '../support/oauth-http';
import { publicClientToken } from '../support/public-client-token';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const INACTIVE = { active: false };

/** POST /oauth2/introspect (RFC 7662). */
describe('introspection endpoint', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  const introspector = clientAuth.basic(CLIENTS.introspector);
  const issuer = clientAuth.basic(CLIENTS.basic);

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  const introspect = (token: string, auth: ClientAuth = introspector, extra = {}) =>
    oauth.introspect({ token, ...extra }, auth);

  const issue = (resource: { identifier: string }) =>
    oauth.accessToken(issuer, { resource: resource.identifier });

  /** The one answer for any token that is not provably good (RFC 7662 §2.2). */
  const expectInactive = async (token: string) => {
    const res = await introspect(token);
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual(INACTIVE);
  };

  describe('caller authentication', () => {
    it('is required: 401 invalid_client without it', async () => {
      const res = await introspect(await issue(RESOURCES.orders), clientAuth.none);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.body).not.toHaveProperty('active');
    });

    it('refuses a wrong secret: 401 invalid_client with a Basic challenge', async () => {
      const wrong = { ...CLIENTS.introspector, secret: 'not-the-secret-0123456789' };
      const res = await introspect(await issue(RESOURCES.orders), clientAuth.basic(wrong));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic\b/);
    });

    const jwtClientAuth = async (aud: string) =>
      clientAuth.privateKeyJwt(
        await clientAssertion({
          clientId: sut.jwtClient.clientId,
          key: sut.jwtClient.privateKey,
          kid: sut.jwtClient.kid,
          audience: aud,
        }),
      );

    const issueWith = (auth: () => Promise<ClientAuth>) => async () =>
      oauth.accessToken(await auth(), { resource: RESOURCES.orders.identifier });
    const issueAsJwtClient = issueWith(() => jwtClientAuth(sut.config.endpoints.token));

    // Each caller introspects a token it may learn about (its own, or one for an API it serves).
    it.each([
      [
        'client_secret_basic, introspection-only client',
        async () => introspector,
        issueWith(async () => issuer),
      ],
      [
        'client_secret_post',
        async () => clientAuth.post(CLIENTS.post),
        issueWith(async () => clientAuth.post(CLIENTS.post)),
      ],
      [
        'client_secret_basic, hashed secret',
        async () => clientAuth.basic(CLIENTS.hashed),
        issueWith(async () => clientAuth.basic(CLIENTS.hashed)),
      ],
      [
        'private_key_jwt, aud = introspection endpoint',
        () => jwtClientAuth(sut.config.endpoints.introspection),
        issueAsJwtClient,
      ],
      ['private_key_jwt, aud = issuer', () => jwtClientAuth(sut.config.issuer), issueAsJwtClient],
    ])('accepts %s', async (_method, auth, issueToken) => {
      const res = await introspect(await issueToken(), await auth());
      expect(res.status).toBe(200);
      expect(res.body.active).toBe(true);
    });

    // RFC 7662 §2.1: the caller must be authorized; a public client's client_id proves nothing.
    it('refuses a public client, even about its own token: 401 invalid_client with a challenge', async () => {
      const token = await publicClientToken(sut);
      const res = await introspect(token, clientAuth.publicClient(PUBLIC_CLIENT_ID));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(res.body).not.toHaveProperty('active');
      expect(res.headers.get('www-authenticate')).toBe(
        'Basic realm="oauth2", token_endpoint_auth_methods_supported=' +
          '"client_secret_basic client_secret_post private_key_jwt"',
      );
      // The resource server the token is for learns about it as about any other.
      expect((await introspect(token, clientAuth.basic(CLIENTS.ordersApi))).body.active).toBe(true);
    });

    it('refuses a private_key_jwt assertion made for the token endpoint', async () => {
      const res = await introspect(
        await issue(RESOURCES.orders),
        await jwtClientAuth(sut.config.endpoints.token),
      );
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });
  });

  /** RFC 7662 §2.2, §4: the owner, or a resource server the token is meant for; nobody else. */
  describe('who may learn about a token', () => {
    const ordersApi = clientAuth.basic(CLIENTS.ordersApi);
    const unrelated = clientAuth.post(CLIENTS.post);

    /** Exactly what an unknown token answers: nothing tells the caller the token exists. */
    const expectInactiveFor = async (token: string, auth: ClientAuth) => {
      const res = await introspect(token, auth);
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"active":false}');
    };

    it.each([
      ['JWT', RESOURCES.orders],
      ['opaque', RESOURCES.ledger],
    ])('the client it was issued to sees its %s token', async (_format, resource) => {
      const res = await introspect(await issue(resource), issuer);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        active: true,
        client_id: CLIENTS.basic.clientId,
        aud: resource.identifier,
      });
    });

    it("a client whose introspects lists the token's audience sees it", async () => {
      const token = await issue(RESOURCES.orders);
      const res = await introspect(token, ordersApi);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        active: true,
        client_id: CLIENTS.basic.clientId,
        aud: RESOURCES.orders.identifier,
        jti: decodeJwt(token).jti,
      });
    });

    it.each([
      ['JWT', RESOURCES.edge],
      ['opaque', RESOURCES.ledger],
    ])(
      'a client whose introspects lists other APIs gets exactly {"active": false} for a valid %s token',
      async (_format, resource) => {
        const token = await issue(resource);
        expect((await introspect(token, issuer)).body.active).toBe(true);
        await expectInactiveFor(token, ordersApi);
      },
    );

    it.each([
      ['JWT', RESOURCES.orders],
      ['opaque', RESOURCES.ledger],
    ])(
      'an authenticated client with neither gets exactly {"active": false} for a valid %s token of another client',
      async (_format, resource) => {
        const token = await issue(resource);
        expect((await introspect(token, issuer)).body.active).toBe(true);
        // svc-post may itself request tokens for orders: that grants no view of other clients' tokens.
        await expectInactiveFor(token, unrelated);
      },
    );
  });

  describe('an active token', () => {
    it.each(JWT_RESOURCES.map((r) => [r.alg, r] as const))(
      'JWT (%s): active with every claim, and nothing else',
      async (_alg, resource) => {
        const token = await issue(resource);
        const claims = decodeJwt(token);
        const res = await introspect(token);
        expect(res.status).toBe(200);
        expect(res.body).toStrictEqual({
          active: true,
          scope: claims.scope,
          client_id: CLIENTS.basic.clientId,
          token_type: 'Bearer',
          exp: claims.exp,
          iat: claims.iat,
          nbf: claims.nbf,
          sub: CLIENTS.basic.clientId,
          aud: resource.identifier,
          iss: sut.url,
          jti: claims.jti,
        });
      },
    );

    it('opaque: active with every claim, matching its token.issued record', async () => {
      const token = await issue(RESOURCES.ledger);
      const issued = issuedEventOfOpaque(sut.events(), token)!;
      const res = await introspect(token);
      expect(res.status).toBe(200);
      expect(res.body).toStrictEqual({
        active: true,
        scope: 'ledger:read',
        client_id: CLIENTS.basic.clientId,
        token_type: 'Bearer',
        exp: issued.data.exp,
        iat: issued.data.iat,
        nbf: expect.any(Number),
        sub: CLIENTS.basic.clientId,
        aud: RESOURCES.ledger.identifier,
        iss: sut.url,
        jti: issued.data.jti,
      });
      expect(res.body.exp - res.body.iat).toBe(RESOURCES.ledger.ttl);
    });

    it.each([
      ['JWT', 'refresh_token', RESOURCES.orders],
      ['opaque', 'refresh_token', RESOURCES.ledger],
      ['JWT', 'no_such_hint', RESOURCES.orders],
    ])('%s with token_type_hint=%s (a wrong hint) is still found', async (_f, hint, resource) => {
      const res = await introspect(await issue(resource), introspector, { token_type_hint: hint });
      expect(res.status).toBe(200);
      expect(res.body.active).toBe(true);
    });

    it('is not cacheable', async () => {
      const res = await introspect(await issue(RESOURCES.orders));
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
    });
  });

  describe('answers exactly {"active": false}', () => {
    describe.each([
      ['JWT', RESOURCES.orders],
      ['opaque', RESOURCES.ledger],
    ])('for an expired %s token', (_format, resource) => {
      afterEach(() => fakeClock.restore());

      it('from its exp on, and not a second before', async () => {
        const token = await issue(resource);
        const { exp } = (await introspect(token)).body;
        fakeClock.freeze();
        fakeClock.setEpochSeconds(exp - 1);
        expect((await introspect(token)).body.active).toBe(true);
        fakeClock.setEpochSeconds(exp);
        await expectInactive(token);
      });
    });

    it.each([
      ['JWT', RESOURCES.orders],
      ['opaque', RESOURCES.ledger],
    ])('for a revoked %s token', async (_format, resource) => {
      const token = await issue(resource);
      expect((await oauth.revoke({ token }, issuer)).status).toBe(200);
      await expectInactive(token);
    });

    it.each([
      ['an unknown opaque token', () => `at_${randomBytes(32).toString('base64url')}`],
      [
        'an unknown refresh-token-shaped token',
        () => `rt_${randomBytes(32).toString('base64url')}`,
      ],
      [
        'an opaque token one character short',
        () => `at_${randomBytes(32).toString('base64url').slice(1)}`,
      ],
      ['garbage', () => 'not-a-token'],
      ['three dots of garbage', () => 'a.b.c'],
      ['a very long garbage string', () => 'x'.repeat(10_000)],
      ['a JWT header without payload or signature', () => 'eyJhbGciOiJFUzI1NiJ9'],
    ])('for %s', async (_case, token) => {
      await expectInactive(token());
    });

    describe.each(JWT_RESOURCES.map((r) => [r.alg, r] as const))(
      'for a forged %s JWT',
      (_alg, resource) => {
        let genuine: string;
        let jwks: { keys: JWK[] };
        beforeAll(async () => {
          genuine = await issue(resource);
          jwks = (await send(sut.config.endpoints.jwks)).body as { keys: JWK[] };
        });

        it('(the genuine token is active)', async () => {
          expect((await introspect(genuine)).body.active).toBe(true);
        });

        it.each([
          ['tampered: a payload character flipped', async () => withPayloadCharFlipped(genuine)],
          [
            'tampered: scope widened',
            async () => withClaimsRewritten(genuine, { scope: 'orders:read admin:all' }),
          ],
          ['signed by another key under the same kid', () => signedByForeignKey(genuine)],
          ['alg: none', async () => unsecured(genuine)],
          ['HS256 with the published public key as secret', () => hmacWithPublicKey(genuine, jwks)],
        ])('%s', async (_case, forge) => {
          await expectInactive(await forge());
        });
      },
    );

    // OpenID Connect Core §2: an ID token is not an access token, whoever asks about it.
    it.each(SIGNING_ALGS)(
      'for a genuine %s ID token, asked by the client it names and by an API',
      async (alg) => {
        const { token } = sut.app.get(IdTokenFormat).mint(
          {
            sub: 'alice',
            clientId: CLIENTS.basic.clientId,
            authTime: Math.floor(Date.now() / 1000),
            grantId: 'grant-1',
          },
          { alg, ttlSeconds: 300 },
        );
        for (const caller of [issuer, introspector]) {
          const res = await introspect(token, caller);
          expect(res.status).toBe(200);
          expect(res.body).toStrictEqual(INACTIVE);
        }
      },
    );
  });

  it('refuses a request without token: 400 invalid_request', async () => {
    const res = await oauth.introspect({ token_type_hint: 'access_token' }, introspector);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});
