import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { s256Challenge } from '@app/oauth';
import { pairwiseSubject, tokenHash } from '@app/tokens';
import { CLIENTS, PUBLIC_CLIENT_ID, RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { fakeClock } from '../support/fake-clock';
import { eventsDuring, expectNoEventContains, ofType } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth, HttpResponse } from '../support/oauth-http';
import { SeededCode, SeedOptions, seedSignIn } from '../support/sign-in-seed';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const PUBLIC_REDIRECT = 'http://127.0.0.1/callback';

/**
 * POST /oauth2/token grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core
 * §3.1.3) against the booted server. Codes and grants are saved through its store ports, as the
 * authorization endpoint saves them after consent; the redemption is plain HTTP.
 */
describe('token endpoint: authorization_code', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  const web = clientAuth.basic(SIGN_IN_CLIENTS.web);

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
    jwks = createRemoteJWKSet(new URL(sut.config.endpoints.jwks));
  });
  afterAll(() => sut?.close());

  const seedWeb = (o: Partial<SeedOptions> = {}) =>
    seedSignIn(sut, {
      clientId: SIGN_IN_CLIENTS.web.clientId,
      redirectUri: SIGN_IN_CLIENTS.web.redirectUri,
      ...o,
      grant: {
        scopes: ['openid', 'profile', 'orders:read'],
        resources: [RESOURCES.orders.identifier],
        ...o.grant,
      },
    });
  const redeem = (
    seeded: SeededCode,
    auth: ClientAuth = web,
    extra: Record<string, string> = {},
  ): Promise<HttpResponse> =>
    oauth.token(
      {
        grant_type: 'authorization_code',
        code: seeded.code,
        redirect_uri: seeded.record.redirectUri,
        code_verifier: seeded.verifier,
        ...extra,
      },
      auth,
    );
  const verifyIdToken = (token: string, clientId: string) =>
    jwtVerify(token, jwks, { issuer: sut.url, audience: clientId, typ: 'JWT' });
  const introspect = async (token: string) =>
    (await oauth.introspect({ token }, clientAuth.basic(CLIENTS.introspector))).body;
  const expectInvalidGrant = (res: HttpResponse) => {
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.headers.get('cache-control')).toBe('no-store');
  };

  describe('a confidential client', () => {
    let seeded: SeededCode;
    let res: HttpResponse;
    let events: Awaited<ReturnType<typeof eventsDuring>>['events'];

    beforeAll(async () => {
      seeded = await seedWeb();
      ({ result: res, events } = await eventsDuring(sut, () => redeem(seeded)));
    });

    it('answers an access token, an ID token and no refresh token, not to be cached', () => {
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toStrictEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: RESOURCES.orders.ttl,
        scope: 'openid profile orders:read',
        id_token: expect.any(String),
      });
    });

    it('makes the access token an RFC 9068 JWT for the API, with the user authentication', async () => {
      const { payload, protectedHeader } = await jwtVerify(res.body.access_token, jwks, {
        issuer: sut.url,
        audience: RESOURCES.orders.identifier,
        typ: 'at+jwt',
      });
      expect(protectedHeader.alg).toBe(RESOURCES.orders.alg);
      expect(payload).toMatchObject({
        sub: 'user-alice',
        client_id: SIGN_IN_CLIENTS.web.clientId,
        scope: 'openid profile orders:read',
        grant_id: seeded.grant.grantId,
        auth_time: seeded.record.authTime,
        acr: 'urn:test:loa:2',
        amr: ['pwd'],
      });
    });

    it('makes an ID token the JWKS verifies, RS256, bound to the sign-in and the access token', async () => {
      const { payload, protectedHeader } = await verifyIdToken(
        res.body.id_token,
        SIGN_IN_CLIENTS.web.clientId,
      );
      expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
      expect(payload).toMatchObject({
        sub: 'user-alice',
        azp: SIGN_IN_CLIENTS.web.clientId,
        nonce: seeded.record.nonce,
        sid: seeded.record.sid,
        auth_time: seeded.record.authTime,
        acr: 'urn:test:loa:2',
        amr: ['pwd'],
        grant_id: seeded.grant.grantId,
        at_hash: tokenHash(res.body.access_token, 'RS256'),
        name: 'Alice Liddell',
      });
      // email was not granted: its claims stay out (OIDC Core §5.4).
      expect(payload.email).toBeUndefined();
      expect(payload.exp! - payload.iat!).toBe(sut.config.signIn.idTokenTtl);
    });

    it('records both tokens with their grant, and no code, token or user claim on any event', () => {
      const issued = ofType(events, 'token.issued');
      // token.issued v3 for every token: its kind, and its grant (issue 11).
      expect(issued.map((e) => [e.data.jti, 'token_kind' in e.data && e.data.token_kind])).toEqual([
        [decodeJwt(res.body.access_token).jti, 'access_token'],
        [decodeJwt(res.body.id_token).jti, 'id_token'],
      ]);
      for (const e of issued) expect(e.data.grant_id).toBe(seeded.grant.grantId);
      for (const e of issued) expect(e.partitionkey).toBe(seeded.grant.grantId);
      for (const secret of [seeded.code, seeded.verifier, res.body.access_token, res.body.id_token])
        expectNoEventContains(events, secret);
      expect(JSON.stringify(events)).not.toMatch(/Alice Liddell|alice@test\.example/);
    });

    it('introspection finds the access token active with its authentication, the ID token not at all', async () => {
      await expect(introspect(res.body.access_token)).resolves.toMatchObject({
        active: true,
        sub: 'user-alice',
        grant_id: seeded.grant.grantId,
        auth_time: seeded.record.authTime,
        acr: 'urn:test:loa:2',
        amr: ['pwd'],
      });
      await expect(introspect(res.body.id_token)).resolves.toStrictEqual({ active: false });
    });
  });

  it('a public client names itself with client_id alone and gets its tokens', async () => {
    const seeded = await seedSignIn(sut, {
      clientId: PUBLIC_CLIENT_ID,
      redirectUri: PUBLIC_REDIRECT,
      grant: { scopes: ['openid', 'orders:read'], resources: [RESOURCES.orders.identifier] },
    });
    const res = await redeem(seeded, clientAuth.publicClient(PUBLIC_CLIENT_ID));
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token)).toMatchObject({
      client_id: PUBLIC_CLIENT_ID,
      aud: RESOURCES.orders.identifier,
    });
    const { payload } = await verifyIdToken(res.body.id_token, PUBLIC_CLIENT_ID);
    expect(payload.nonce).toBe(seeded.record.nonce);
  });

  it('a pairwise client gets its pairwise sub (OIDC Core §8.1) in both tokens, and an opaque token per resource', async () => {
    const seeded = await seedSignIn(sut, {
      clientId: SIGN_IN_CLIENTS.pairwise.clientId,
      redirectUri: SIGN_IN_CLIENTS.pairwise.redirectUri,
      grant: {
        scopes: ['openid', 'email', 'orders:read', 'ledger:read'],
        resources: [RESOURCES.orders.identifier, RESOURCES.ledger.identifier],
      },
    });
    const res = await redeem(seeded, clientAuth.post(SIGN_IN_CLIENTS.pairwise), {
      resource: RESOURCES.ledger.identifier,
    });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('openid email ledger:read');
    const sub = pairwiseSubject(
      SIGN_IN_CLIENTS.pairwise.sectorIdentifier,
      'user-alice',
      sut.config.signIn.pairwiseSalt,
    );
    const { payload, protectedHeader } = await verifyIdToken(
      res.body.id_token,
      SIGN_IN_CLIENTS.pairwise.clientId,
    );
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({
      sub,
      email: 'alice@test.example',
      at_hash: tokenHash(res.body.access_token, 'ES256'),
    });
    expect(res.body.access_token).toMatch(/^at_/);
    await expect(introspect(res.body.access_token)).resolves.toMatchObject({
      active: true,
      sub,
      aud: RESOURCES.ledger.identifier,
      auth_time: seeded.record.authTime,
      amr: ['pwd'],
    });
  });

  it('only OpenID scopes and no resource: an access token for /userinfo, 86400 s by default', async () => {
    const seeded = await seedWeb({ grant: { scopes: ['openid', 'email'], resources: [] } });
    const res = await redeem(seeded);
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(86_400);
    expect(decodeProtectedHeader(res.body.access_token)).toMatchObject({
      alg: 'ES256',
      typ: 'at+jwt',
    });
    expect(decodeJwt(res.body.access_token)).toMatchObject({
      aud: sut.config.endpoints.userinfo,
      scope: 'openid email',
    });
  });

  /** RFC 8707 §2 allows several; one access token here carries one audience. */
  describe('resource given several times', () => {
    const bothResources = {
      grant: {
        scopes: ['openid', 'orders:read', 'ledger:read'],
        resources: [RESOURCES.orders.identifier, RESOURCES.ledger.identifier],
      },
    };
    const redeemFor = (seeded: SeededCode, ...resources: string[]) =>
      oauth.token(
        [
          ['grant_type', 'authorization_code'],
          ['code', seeded.code],
          ['redirect_uri', seeded.record.redirectUri],
          ['code_verifier', seeded.verifier],
          ...resources.map((id) => ['resource', id] as const),
        ],
        web,
      );

    it('the same resource repeated is that one resource: 200', async () => {
      const seeded = await seedWeb(bothResources);
      const { identifier } = RESOURCES.ledger;
      const res = await redeemFor(seeded, identifier, identifier);
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('openid ledger:read');
      await expect(introspect(res.body.access_token)).resolves.toMatchObject({
        active: true,
        aud: identifier,
      });
    });

    it('two consented resources cannot be served together: 400 invalid_target, no token issued', async () => {
      const seeded = await seedWeb(bothResources);
      const { result: res, events } = await eventsDuring(sut, () =>
        redeemFor(seeded, RESOURCES.orders.identifier, RESOURCES.ledger.identifier),
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_target');
      expect(res.body.error_description).toMatch(/one resource/);
      expect(ofType(events, 'token.issued')).toEqual([]);
    });
  });

  describe('invalid_grant', () => {
    it('a wrong code_verifier', async () => {
      const seeded = await seedWeb();
      expectInvalidGrant(await redeem(seeded, web, { code_verifier: 'W'.repeat(64) }));
    });

    it('the challenge sent as the verifier (a plain downgrade)', async () => {
      const seeded = await seedWeb();
      expectInvalidGrant(await redeem(seeded, web, { code_verifier: seeded.record.codeChallenge }));
    });

    it('a verifier shorter than RFC 7636 allows, even one whose hash is the challenge', async () => {
      const short = 'plain-length-verifier';
      const seeded = await seedWeb({ code: { codeChallenge: s256Challenge(short) } });
      expectInvalidGrant(await redeem(seeded, web, { code_verifier: short }));
    });

    it('another client’s code', async () => {
      const seeded = await seedWeb();
      expectInvalidGrant(await redeem(seeded, clientAuth.post(SIGN_IN_CLIENTS.pairwise)));
    });

    it('a redirect_uri that differs from the authorization request’s, even by a slash', async () => {
      const seeded = await seedWeb();
      expectInvalidGrant(
        await redeem(seeded, web, { redirect_uri: `${seeded.record.redirectUri}/` }),
      );
    });

    it('an unknown code', async () => {
      const seeded = await seedWeb();
      expectInvalidGrant(
        await redeem(seeded, web, {
          code: `${seeded.code.slice(0, -2)}${seeded.code.endsWith('xx') ? 'yy' : 'xx'}`,
        }),
      );
    });

    describe('an expired code', () => {
      beforeEach(() => fakeClock.freeze());
      afterEach(() => fakeClock.restore());

      it('after its 60 s', async () => {
        const seeded = await seedWeb();
        fakeClock.advanceSeconds(61);
        expectInvalidGrant(await redeem(seeded));
      });
    });
  });

  it.each([
    ['code', 'code'],
    ['redirect_uri', 'redirect_uri'],
    ['code_verifier', 'code_verifier'],
  ])('a missing %s is invalid_request', async (_name, param) => {
    const seeded = await seedWeb();
    const res = await redeem(seeded, web, { [param]: '' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request' });
  });

  it('a client not registered for the grant is unauthorized_client', async () => {
    const seeded = await seedWeb();
    const res = await redeem(seeded, clientAuth.basic(CLIENTS.basic));
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('a confidential client that does not authenticate is invalid_client', async () => {
    const seeded = await seedWeb();
    const res = await redeem(seeded, clientAuth.publicClient(SIGN_IN_CLIENTS.web.clientId));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  describe('a code redeemed twice (RFC 6749 §4.1.2)', () => {
    it('at the same instant: one answer has tokens, every other is invalid_grant, and they are revoked', async () => {
      const seeded = await seedWeb();
      const answers = await Promise.all(Array.from({ length: 8 }, () => redeem(seeded)));
      const issued = answers.filter((r) => r.status === 200);
      expect(issued).toHaveLength(1);
      for (const r of answers.filter((a) => a.status !== 200)) expectInvalidGrant(r);
      await expect(introspect(issued[0]!.body.access_token)).resolves.toStrictEqual({
        active: false,
      });
    });

    it.each([
      ['by its client', () => web],
      ['by another client', () => clientAuth.post(SIGN_IN_CLIENTS.pairwise)],
    ])(
      '%s: invalid_grant, and every token of the first redemption is revoked at once',
      async (_c, auth) => {
        const seeded = await seedWeb();
        const first = await redeem(seeded);
        expect(first.status).toBe(200);
        await expect(introspect(first.body.access_token)).resolves.toMatchObject({ active: true });

        const { result: replay, events } = await eventsDuring(sut, () => redeem(seeded, auth()));
        expectInvalidGrant(replay);
        expect(ofType(events, 'grant.revoked').map((e) => e.data)).toEqual([
          {
            grant_id: seeded.grant.grantId,
            client_id: SIGN_IN_CLIENTS.web.clientId,
            reason: 'code_replay',
            exp: expect.any(Number),
          },
        ]);
        expect(ofType(events, 'token.issued')).toEqual([]);
        await expect(introspect(first.body.access_token)).resolves.toStrictEqual({ active: false });
      },
    );
  });
});
