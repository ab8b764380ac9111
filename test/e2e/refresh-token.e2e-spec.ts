import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { InvalidToken, TokenValidator } from '@app/resource-server';
import { EVENT_BUS, EventBus, EventBusUnavailable, tokenKindOf, TokenIssuedV1 } from '@app/events';
import { MemoryRevocationStore, REVOCATION_STORE } from '@app/store';
import { tokenDigest } from '@app/tokens';
import { CLIENTS, REFRESH_CLIENTS, RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { fakeClock } from '../support/fake-clock';
import { eventsDuring, ofType } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth, HttpResponse } from '../support/oauth-http';
import { isRefusedWith, rsOutcomeWithin } from '../support/rs-validation';
import { SeedOptions, seedSignIn } from '../support/sign-in-seed';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const R = REFRESH_CLIENTS;
const web = clientAuth.basic(R.web);
const grace = clientAuth.basic(R.grace);
const short = clientAuth.basic(R.short);
const native = clientAuth.publicClient(R.native.clientId);

/**
 * grant_type=refresh_token (RFC 6749 §6, RFC 9700 §4.14.2, OIDC Core §11–12) and refresh tokens
 * at the revocation (RFC 7009) and introspection (RFC 7662) endpoints, against the booted server.
 * Codes and grants are seeded through its store ports; everything else is plain HTTP.
 */
describe('refresh tokens', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  let orders: TokenValidator;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
    jwks = createRemoteJWKSet(new URL(sut.config.endpoints.jwks));
    orders = new TokenValidator({
      issuer: sut.url,
      audience: RESOURCES.orders.identifier,
      jwksUri: sut.config.endpoints.jwks,
      revocationFeed: sut.app.get<MemoryRevocationStore>(REVOCATION_STORE),
      clockSkewSeconds: 5,
      introspection: {
        endpoint: sut.config.endpoints.introspection,
        clientId: CLIENTS.introspector.clientId,
        clientSecret: CLIENTS.introspector.secret,
      },
    });
    await orders.start();
  });
  afterAll(async () => {
    await orders?.close();
    await sut?.close();
  });

  /** A code redemption of `clientId`: its answer (with the first refresh token). */
  const signIn = async (
    clientId: string,
    auth: ClientAuth,
    o: { scopes?: string[]; grant?: SeedOptions['grant'] } = {},
  ) => {
    const scopes = o.scopes ?? [
      'openid',
      'profile',
      'offline_access',
      'orders:read',
      'ledger:read',
    ];
    const seeded = await seedSignIn(sut, {
      clientId,
      redirectUri: R.redirectUri,
      grant: {
        scopes,
        resources: [RESOURCES.orders.identifier, RESOURCES.ledger.identifier],
        ...o.grant,
      },
    });
    const res = await oauth.token(
      {
        grant_type: 'authorization_code',
        code: seeded.code,
        redirect_uri: R.redirectUri,
        code_verifier: seeded.verifier,
      },
      auth,
    );
    expect(res.status).toBe(200);
    return { seeded, body: res.body as Record<string, string> };
  };
  const refresh = (token: string, auth: ClientAuth = web, extra: Record<string, string> = {}) =>
    oauth.token({ grant_type: 'refresh_token', refresh_token: token, ...extra }, auth);
  const ok = (res: HttpResponse) => {
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return res.body as Record<string, string>;
  };
  const expectError = (res: HttpResponse, error: string) => {
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
    expect(res.headers.get('cache-control')).toBe('no-store');
  };
  /** The resource-server library refuses the JWT once its mirror has the revocation. */
  const refusedByReplica = async (token: string) => {
    const { outcome } = await rsOutcomeWithin(orders, token, isRefusedWith(401), 1000, 'refusal');
    expect(!outcome.ok && outcome.error).toBeInstanceOf(InvalidToken);
  };
  const introspect = async (token: string, auth: ClientAuth = web) =>
    (await oauth.introspect({ token }, auth)).body as Record<string, unknown>;

  describe('issued with the code', () => {
    it('to a client of the refresh_token grant, when offline_access was granted', async () => {
      const { body } = await signIn(R.web.clientId, web);
      expect(body.refresh_token).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    });

    it('not without offline_access in an OpenID grant (OIDC Core §11)', async () => {
      const { body } = await signIn(R.web.clientId, web, { scopes: ['openid', 'orders:read'] });
      expect(body.refresh_token).toBeUndefined();
    });

    it('without openid, with any code grant of such a client', async () => {
      const { body } = await signIn(R.web.clientId, web, { scopes: ['orders:read'] });
      expect(body.refresh_token).toMatch(/^rt_/);
    });

    it('not to a client without refresh_token in its grant_types', async () => {
      const seeded = await seedSignIn(sut, {
        clientId: SIGN_IN_CLIENTS.web.clientId,
        redirectUri: SIGN_IN_CLIENTS.web.redirectUri,
        grant: { scopes: ['openid', 'offline_access', 'orders:read'] },
      });
      const res = await oauth.token(
        {
          grant_type: 'authorization_code',
          code: seeded.code,
          redirect_uri: seeded.record.redirectUri,
          code_verifier: seeded.verifier,
        },
        clientAuth.basic(SIGN_IN_CLIENTS.web),
      );
      expect(ok(res).refresh_token).toBeUndefined();
    });

    it('recorded by digest only, on an acknowledged token.issued of kind refresh_token', async () => {
      const { result, events } = await eventsDuring(sut, () => signIn(R.web.clientId, web));
      const token = result.body.refresh_token!;
      const [issued] = ofType(events, 'token.issued').filter(
        (e) => 'token_kind' in e.data && e.data.token_kind === 'refresh_token',
      );
      expect(issued?.data).toMatchObject({
        client_id: R.web.clientId,
        grant_id: result.seeded.grant.grantId,
        format: 'opaque',
        token_digest: tokenDigest(token),
        aud: sut.url,
      });
      expect(JSON.stringify(events)).not.toContain(token);
    });
  });

  describe('rotation', () => {
    it('answers a new pair and a new ID token (same sub, aud, auth_time; no nonce); the old one is retired', async () => {
      const { body, seeded } = await signIn(R.web.clientId, web);
      const next = ok(await refresh(body.refresh_token!));
      expect(next.refresh_token).toMatch(/^rt_/);
      expect(next.refresh_token).not.toBe(body.refresh_token);
      expect(next.scope).toBe('openid profile offline_access orders:read');
      const first = decodeJwt(body.id_token!);
      const { payload } = await jwtVerify(next.id_token!, jwks, {
        issuer: sut.url,
        audience: R.web.clientId,
      });
      expect(payload.sub).toBe(first.sub);
      expect(payload.auth_time).toBe(seeded.grant.authTime);
      expect(payload.nonce).toBeUndefined();
      expect(decodeJwt(next.access_token!)).toMatchObject({
        aud: RESOURCES.orders.identifier,
        grant_id: seeded.grant.grantId,
        client_id: R.web.clientId,
      });
      await expect(introspect(body.refresh_token!)).resolves.toEqual({ active: false });
      ok(await refresh(next.refresh_token!));
    });

    it('narrows the scope and picks another resource of the grant (RFC 8707 §2.2)', async () => {
      const { body } = await signIn(R.web.clientId, web);
      const next = ok(
        await refresh(body.refresh_token!, web, {
          scope: 'ledger:read',
          resource: RESOURCES.ledger.identifier,
        }),
      );
      expect(next.scope).toBe('ledger:read');
      expect(next.access_token).toMatch(/^at_/);
      expect(next.id_token).toBeDefined();
    });

    /** RFC 8707 §2 allows several; one access token here carries one audience. */
    describe('resource given several times', () => {
      const refreshFor = (token: string, ...resources: string[]) =>
        oauth.token(
          [
            ['grant_type', 'refresh_token'],
            ['refresh_token', token],
            ...resources.map((id) => ['resource', id] as const),
          ],
          web,
        );

      it('the same resource repeated is that one resource: 200', async () => {
        const { body } = await signIn(R.web.clientId, web);
        const { identifier } = RESOURCES.ledger;
        const next = ok(await refreshFor(body.refresh_token!, identifier, identifier));
        expect(next.scope).toBe('openid profile offline_access ledger:read');
        await expect(introspect(next.access_token!)).resolves.toMatchObject({
          active: true,
          aud: identifier,
        });
      });

      it('two resources of the grant cannot be served together: 400 invalid_target, the token kept', async () => {
        const { body } = await signIn(R.web.clientId, web);
        const res = await refreshFor(
          body.refresh_token!,
          RESOURCES.orders.identifier,
          RESOURCES.ledger.identifier,
        );
        expectError(res, 'invalid_target');
        expect(res.body.error_description).toMatch(/one resource/);
        ok(await refresh(body.refresh_token!));
      });
    });

    it('refuses a widened scope (invalid_scope) and leaves the token usable', async () => {
      const { body } = await signIn(R.web.clientId, web, {
        scopes: ['openid', 'offline_access', 'orders:read'],
      });
      expectError(
        await refresh(body.refresh_token!, web, { scope: 'orders:read ledger:read' }),
        'invalid_scope',
      );
      ok(await refresh(body.refresh_token!));
    });

    it('serves a public client by its client_id', async () => {
      const { body } = await signIn(R.native.clientId, native);
      ok(await refresh(body.refresh_token!, native));
    });

    it.each([
      ['the new refresh token', 'refresh_token'],
      ['the new access token', 'access_token'],
    ])(
      'when the event log refuses the event of %s: 503, and the retry with the same refresh token succeeds, the grant not revoked (RFC 9700 §4.14.2)',
      async (_, kind) => {
        const { body } = await signIn(R.web.clientId, web);
        const bus = sut.app.get<EventBus>(EVENT_BUS);
        const publish = bus.publish.bind(bus);
        const refused = jest.spyOn(bus, 'publish').mockImplementation(async (event) => {
          if (event.type === 'token.issued' && tokenKindOf(event.data as TokenIssuedV1) === kind)
            throw new EventBusUnavailable(new Error('the broker timed out'));
          return publish(event);
        });
        let failed: HttpResponse;
        try {
          failed = await refresh(body.refresh_token!);
        } finally {
          refused.mockRestore();
        }
        expect({ status: failed.status, error: failed.body.error }).toEqual({
          status: 503,
          error: 'temporarily_unavailable',
        });
        expect(failed.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(failed.body.refresh_token).toBeUndefined();

        const { result: retried, events } = await eventsDuring(sut, () =>
          refresh(body.refresh_token!),
        );
        const next = ok(retried);
        expect(ofType(events, 'grant.revoked')).toEqual([]);
        await expect(introspect(body.refresh_token!)).resolves.toEqual({ active: false });
        await expect(introspect(next.refresh_token!)).resolves.toMatchObject({ active: true });
        await expect(
          introspect(body.access_token!, clientAuth.basic(CLIENTS.introspector)),
        ).resolves.toMatchObject({
          active: true,
        });
        ok(await refresh(next.refresh_token!));
      },
    );
  });

  describe('revocation endpoint (RFC 7009 §2.1)', () => {
    it('revoking a refresh token revokes its grant: its access tokens too, whatever the hint', async () => {
      const { body, seeded } = await signIn(R.web.clientId, web);
      const { result, events } = await eventsDuring(sut, () =>
        oauth.revoke({ token: body.refresh_token!, token_type_hint: 'access_token' }, web),
      );
      expect(result.status).toBe(200);
      expect(ofType(events, 'grant.revoked')[0]?.data).toMatchObject({
        grant_id: seeded.grant.grantId,
        reason: 'refresh_token_revoked',
      });
      await expect(introspect(body.access_token!)).resolves.toEqual({ active: false });
      await refusedByReplica(body.access_token!);
      expectError(await refresh(body.refresh_token!), 'invalid_grant');
    });

    it('by another client: 200 and nothing revoked', async () => {
      const { body } = await signIn(R.web.clientId, web);
      const { result, events } = await eventsDuring(sut, () =>
        oauth.revoke({ token: body.refresh_token!, token_type_hint: 'refresh_token' }, grace),
      );
      expect(result.status).toBe(200);
      expect(ofType(events, 'grant.revoked')).toEqual([]);
      ok(await refresh(body.refresh_token!));
    });
  });

  // Every spec using the replica's validator runs before the fake clock moves: the in-memory
  // revocation feed's entry ids follow the clock, and a mirror that read one from the future
  // would wait for it.
  describe('reuse of a retired token', () => {
    it('is invalid_grant and revokes the grant: every access token, JWT and opaque, and the live refresh token', async () => {
      const { body, seeded } = await signIn(R.web.clientId, web);
      const opaque = ok(
        await refresh(body.refresh_token!, web, {
          resource: RESOURCES.ledger.identifier,
          scope: 'ledger:read',
        }),
      );
      await expect(introspect(opaque.access_token!)).resolves.toMatchObject({ active: true });
      const { result, events } = await eventsDuring(sut, () => refresh(body.refresh_token!));
      expectError(result, 'invalid_grant');
      expect(ofType(events, 'grant.revoked')).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({
            grant_id: seeded.grant.grantId,
            reason: 'refresh_token_reuse',
          }) as unknown,
        }),
      ]);
      await expect(introspect(body.access_token!)).resolves.toEqual({ active: false });
      await expect(introspect(opaque.access_token!)).resolves.toEqual({ active: false });
      await refusedByReplica(body.access_token!);
      expectError(await refresh(opaque.refresh_token!), 'invalid_grant');
      await expect(introspect(opaque.refresh_token!)).resolves.toEqual({ active: false });
    });

    it('within the client grace gets a new pair; the family continues from the newest only', async () => {
      const { body } = await signIn(R.grace.clientId, grace);
      const a = ok(await refresh(body.refresh_token!, grace));
      const b = ok(await refresh(body.refresh_token!, grace));
      await expect(introspect(a.refresh_token!, grace)).resolves.toEqual({ active: false });
      await expect(introspect(b.refresh_token!, grace)).resolves.toMatchObject({ active: true });
      await expect(introspect(b.access_token!, grace)).resolves.toMatchObject({ active: true });
      ok(await refresh(b.refresh_token!, grace));
    });

    describe('past the grace', () => {
      beforeEach(() => fakeClock.freeze());
      afterEach(() => fakeClock.restore());

      it('revokes the grant', async () => {
        const { body } = await signIn(R.grace.clientId, grace);
        const a = ok(await refresh(body.refresh_token!, grace));
        fakeClock.advanceSeconds(6);
        expectError(await refresh(body.refresh_token!, grace), 'invalid_grant');
        expectError(await refresh(a.refresh_token!, grace), 'invalid_grant');
        await expect(introspect(a.access_token!, grace)).resolves.toEqual({ active: false });
      });
    });
  });

  describe('invalid_grant, without touching the family', () => {
    it('for a refresh token of another client', async () => {
      const { body } = await signIn(R.web.clientId, web);
      expectError(await refresh(body.refresh_token!, grace), 'invalid_grant');
      ok(await refresh(body.refresh_token!));
    });

    it('for an access token or an ID token sent as a refresh token, and for nonsense', async () => {
      const { body } = await signIn(R.web.clientId, web);
      for (const token of [body.access_token!, body.id_token!, 'rt_nope', `rt_${'A'.repeat(43)}`])
        expectError(await refresh(token), 'invalid_grant');
      ok(await refresh(body.refresh_token!));
    });

    it('for a client not registered for the grant: unauthorized_client', async () => {
      const { body } = await signIn(R.web.clientId, web);
      const res = await refresh(body.refresh_token!, clientAuth.basic(SIGN_IN_CLIENTS.web));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unauthorized_client');
    });
  });

  describe('lifetimes', () => {
    beforeEach(() => fakeClock.freeze());
    afterEach(() => fakeClock.restore());

    it('past the idle lifetime since the last use; each use starts it again', async () => {
      const { body } = await signIn(R.short.clientId, short);
      fakeClock.advanceSeconds(20);
      const next = ok(await refresh(body.refresh_token!, short));
      fakeClock.advanceSeconds(25); // 45 s after the grant, 25 s after the last use
      ok(await refresh(next.refresh_token!, short));
      const idle = await signIn(R.short.clientId, short);
      fakeClock.advanceSeconds(31); // within the absolute 60 s, past the idle 30 s
      expectError(await refresh(idle.body.refresh_token!, short), 'invalid_grant');
    });

    it('past the absolute lifetime from the grant creation, however recently used', async () => {
      const { body } = await signIn(R.short.clientId, short, {
        grant: { createdAt: Date.now() - 50_000 },
      });
      fakeClock.advanceSeconds(5);
      const next = ok(await refresh(body.refresh_token!, short));
      await expect(introspect(next.refresh_token!, short)).resolves.toMatchObject({
        exp: Math.floor((Date.now() + 5_000) / 1000),
      });
      fakeClock.advanceSeconds(6);
      expectError(await refresh(next.refresh_token!, short), 'invalid_grant');
    });
  });

  describe('introspection (RFC 7662)', () => {
    it('tells the client holding it what the refresh token is', async () => {
      const { body } = await signIn(R.web.clientId, web);
      const answer = await introspect(body.refresh_token!);
      expect(answer).toEqual({
        active: true,
        token_type: 'refresh_token',
        client_id: R.web.clientId,
        scope: 'openid profile offline_access orders:read ledger:read',
        sub: decodeJwt(body.access_token!).sub,
        exp: expect.any(Number) as number,
      });
    });

    it('tells any other client, a resource server included, exactly active false', async () => {
      const { body } = await signIn(R.web.clientId, web);
      await expect(introspect(body.refresh_token!, grace)).resolves.toEqual({ active: false });
      await expect(
        introspect(body.refresh_token!, clientAuth.basic(CLIENTS.introspector)),
      ).resolves.toEqual({ active: false });
    });
  });
});
