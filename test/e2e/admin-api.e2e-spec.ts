import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { TokenValidator } from '@app/resource-server';
import { GRANT_STORE, GrantStore, MemoryRevocationStore, REVOCATION_STORE } from '@app/store';
import { CLIENTS, RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { eventsDuring, ofType } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { basicAuthorization, clientAuth, HttpResponse, send } from '../support/oauth-http';
import { isAccepted, isRefusedWith, rsOutcome, rsOutcomeWithin } from '../support/rs-validation';
import { SeededCode, seedSignIn } from '../support/sign-in-seed';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** DESIGN "Revocation that is felt at once": how soon a replica must refuse a revoked token. */
const FELT_AT_ONCE_MS = 200;
const ADMIN = basicAuthorization(CLIENTS.admin.clientId, CLIENTS.admin.secret);

/**
 * The admin API (docs/openapi.yaml) against the booted server: bulk revocation of a
 * grant, a client or a subject, a subject's grants, withdrawal. Each revocation must make
 * introspection answer inactive and a resource-server replica refuse at once, JWT and opaque.
 */
describe('admin API', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let grants: GrantStore;
  /** Replicas of two APIs: orders (JWT, local validation) and ledger (opaque, introspection). */
  let orders: TokenValidator;
  let ledger: TokenValidator;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
    grants = sut.app.get<GrantStore>(GRANT_STORE);
    const feed = sut.app.get<MemoryRevocationStore>(REVOCATION_STORE);
    const validator = async (audience: string) => {
      const v = new TokenValidator({
        issuer: sut.url,
        audience,
        jwksUri: sut.config.endpoints.jwks,
        revocationFeed: feed,
        clockSkewSeconds: 5,
        introspection: {
          endpoint: sut.config.endpoints.introspection,
          clientId: CLIENTS.introspector.clientId,
          clientSecret: CLIENTS.introspector.secret,
        },
      });
      await v.start();
      return v;
    };
    orders = await validator(RESOURCES.orders.identifier);
    ledger = await validator(RESOURCES.ledger.identifier);
  });
  afterAll(async () => {
    await orders?.close();
    await ledger?.close();
    await sut?.close();
  });

  const admin = (
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = { authorization: ADMIN },
  ): Promise<HttpResponse> =>
    send(`${sut.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body }),
    });
  const revoke = (body: unknown) => admin('POST', '/admin/revocations', JSON.stringify(body));
  const listGrants = (subject: string) =>
    admin('GET', `/admin/subjects/${encodeURIComponent(subject)}/grants`);
  const withdraw = (grantId: string) =>
    admin('DELETE', `/admin/grants/${encodeURIComponent(grantId)}`);
  const unique = (what: string) => `${what}-${randomBytes(6).toString('base64url')}`;

  /** A signed-in user's access token, through the code grant (the grant seeded as consent does). */
  async function signIn(
    client: 'web' | 'pairwise',
    subject: string,
    resource: { identifier: string; scopes: readonly string[] },
  ): Promise<{ token: string; seeded: SeededCode }> {
    const c = SIGN_IN_CLIENTS[client];
    const seeded = await seedSignIn(sut, {
      clientId: c.clientId,
      redirectUri: c.redirectUri,
      grant: {
        subject,
        scopes: ['openid', resource.scopes[0]!],
        resources: [resource.identifier],
      },
    });
    const res = await oauth.token(
      {
        grant_type: 'authorization_code',
        code: seeded.code,
        redirect_uri: c.redirectUri,
        code_verifier: seeded.verifier,
      },
      client === 'web' ? clientAuth.basic(c) : clientAuth.post(c),
    );
    expect(res.status).toBe(200);
    return { token: res.body.access_token as string, seeded };
  }

  const active = async (token: string): Promise<boolean> => {
    const res = await oauth.introspect({ token }, clientAuth.basic(CLIENTS.introspector));
    expect(res.status).toBe(200);
    return res.body.active as boolean;
  };
  const replicaOf = (token: string) => (token.startsWith('at_') ? ledger : orders);
  const expectLive = async (token: string) => {
    expect(await active(token)).toBe(true);
    expect(isAccepted(await rsOutcome(replicaOf(token), token))).toBe(true);
  };
  /** Introspection inactive, and the replica refuses within FELT_AT_ONCE_MS. */
  const expectRevoked = async (token: string) => {
    expect(await active(token)).toBe(false);
    const { afterMs } = await rsOutcomeWithin(
      replicaOf(token),
      token,
      isRefusedWith(401),
      FELT_AT_ONCE_MS,
      'the revocation',
    );
    expect(afterMs).toBeLessThanOrEqual(FELT_AT_ONCE_MS);
  };
  const expectNoStore = (res: HttpResponse) =>
    expect(res.headers.get('cache-control')).toBe('no-store');

  describe('authentication', () => {
    const routes: [string, string, string | undefined][] = [
      ['POST', '/admin/revocations', '{"client_id":"svc-basic"}'],
      ['GET', '/admin/subjects/anyone/grants', undefined],
      ['DELETE', '/admin/grants/some-grant', undefined],
    ];

    it.each(routes)(
      '%s %s without credentials: 401 invalid_client, a Basic challenge',
      async (m, p, b) => {
        const res = await admin(m, p, b, {});
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
        expect(res.headers.get('www-authenticate')).toBe('Basic realm="oauth2"');
        expectNoStore(res);
      },
    );

    it.each(routes)('%s %s with a wrong secret: 401 invalid_client', async (m, p, b) => {
      const wrong = basicAuthorization(CLIENTS.admin.clientId, 'not-the-secret-0123456789');
      const res = await admin(m, p, b, { authorization: wrong });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });

    it.each(routes)(
      '%s %s as a client that is not admin: 403 unauthorized_client',
      async (m, p, b) => {
        const other = basicAuthorization(
          CLIENTS.introspector.clientId,
          CLIENTS.introspector.secret,
        );
        const res = await admin(m, p, b, { authorization: other });
        expect(res.status).toBe(403);
        expect(res.body).toEqual({
          error: 'unauthorized_client',
          error_description: 'this client may not use the admin API',
        });
        expectNoStore(res);
      },
    );

    it('refuses the admin client presenting its secret in a form body (Basic only)', async () => {
      const res = await send(`${sut.url}/admin/revocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `client_id=${CLIENTS.admin.clientId}&client_secret=${CLIENTS.admin.secret}`,
      });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
    });
  });

  describe('POST /admin/revocations: bad bodies', () => {
    it.each<[string, string, string | undefined]>([
      ['not JSON', 'client_id=svc-basic', 'application/x-www-form-urlencoded'],
      ['malformed JSON', '{"client_id":', undefined],
      ['a repeated member', '{"client_id":"svc-basic","client_id":"svc-post"}', undefined],
      ['an array', '[{"client_id":"svc-basic"}]', undefined],
      ['a string', '"svc-basic"', undefined],
      ['an empty object', '{}', undefined],
      ['only nulls', '{"subject":null}', undefined],
      ['two members', '{"client_id":"svc-basic","subject":"alice"}', undefined],
      ['all three members', '{"grant_id":"g","client_id":"c","subject":"s"}', undefined],
      ['an unknown member', '{"client_id":"svc-basic","reason":"leak"}', undefined],
      ['a number', '{"grant_id":42}', undefined],
      ['an empty string', '{"subject":""}', undefined],
      ['a subject with a space', '{"subject":"a b"}', undefined],
      ['a subject too long', JSON.stringify({ subject: 'x'.repeat(256) }), undefined],
      ['a grant_id too long', JSON.stringify({ grant_id: 'g'.repeat(129) }), undefined],
      ['a client_id with a control character', '{"client_id":"svc\\n"}', undefined],
      ['an empty body', '', undefined],
    ])('refuses %s: 400 invalid_request, nothing recorded', async (_, body, type) => {
      const { result: res, events } = await eventsDuring(sut, () =>
        admin('POST', '/admin/revocations', body, {
          authorization: ADMIN,
          'content-type': type ?? 'application/json',
        }),
      );
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expectNoStore(res);
      expect(events).toEqual([]);
    });

    it('refuses a body past the size limit with 413', async () => {
      const res = await revoke({ subject: 'x'.repeat(2_000_000) });
      expect(res.status).toBe(413);
    });

    it.each([
      [{ grant_id: 'no-such-grant' }, 'no live grant has this grant_id'],
      [{ client_id: 'no-such-client' }, 'no client has this client_id'],
    ])('answers 404 not_found for %p, recording nothing', async (body, description) => {
      const { result: res, events } = await eventsDuring(sut, () => revoke(body));
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'not_found', error_description: description });
      expect(events).toEqual([]);
    });
  });

  describe('POST /admin/revocations {"grant_id"}', () => {
    it("revokes every token of the grant at once, and ends the grant's record", async () => {
      const subject = unique('user');
      const { token, seeded } = await signIn('web', subject, RESOURCES.orders);
      const other = await signIn('web', subject, RESOURCES.orders);
      await expectLive(token);
      const { result: res, events } = await eventsDuring(sut, () =>
        revoke({ grant_id: seeded.grant.grantId }),
      );
      expect(res.status).toBe(200);
      expectNoStore(res);
      expect(res.body).toEqual({
        revoked: 'grant',
        grant_id: seeded.grant.grantId,
        client_id: SIGN_IN_CLIENTS.web.clientId,
        exp: expect.any(Number),
      });
      expect(ofType(events, 'grant.revoked').map((e) => e.data)).toEqual([
        {
          grant_id: seeded.grant.grantId,
          client_id: SIGN_IN_CLIENTS.web.clientId,
          exp: res.body.exp,
          reason: 'admin',
        },
      ]);
      await expectRevoked(token);
      await expectLive(other.token);
      const listed = await listGrants(subject);
      expect(listed.body.grants.map((g: { grant_id: string }) => g.grant_id)).toEqual([
        other.seeded.grant.grantId,
      ]);
      expect((await revoke({ grant_id: seeded.grant.grantId })).status).toBe(404);
    });
  });

  describe('POST /admin/revocations {"client_id"}', () => {
    it('revokes every token the client was issued so far, JWT and opaque, and no later one', async () => {
      const auth = clientAuth.basic(CLIENTS.basic);
      const jwt = await oauth.accessToken(auth, { resource: RESOURCES.orders.identifier });
      const opaque = await oauth.accessToken(auth, { resource: RESOURCES.ledger.identifier });
      expect(opaque.startsWith('at_')).toBe(true);
      const bystander = await oauth.accessToken(clientAuth.post(CLIENTS.post), {
        resource: RESOURCES.orders.identifier,
      });
      await expectLive(jwt);
      await expectLive(opaque);
      const before = Date.now();
      const { result: res, events } = await eventsDuring(sut, () =>
        revoke({ client_id: CLIENTS.basic.clientId }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        revoked: 'client',
        client_id: CLIENTS.basic.clientId,
        revoked_at: expect.any(Number),
        exp: expect.any(Number),
      });
      expect(res.body.revoked_at).toBeGreaterThanOrEqual(before);
      expect(ofType(events, 'client.tokens_revoked').map((e) => e.data)).toEqual([
        {
          client_id: CLIENTS.basic.clientId,
          revoked_at: res.body.revoked_at,
          exp: res.body.exp,
          reason: 'admin',
        },
      ]);
      await expectRevoked(jwt);
      await expectRevoked(opaque);
      await expectLive(bystander);
      // Tokens are compared by `iat` (seconds): a token of the next second is not covered.
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
      await expectLive(await oauth.accessToken(auth, { resource: RESOURCES.orders.identifier }));
    });
  });

  describe('POST /admin/revocations {"subject"}', () => {
    it("signs the subject out everywhere: every client's tokens, pairwise ones too", async () => {
      const subject = unique('alice@example.com');
      const web = await signIn('web', subject, RESOURCES.orders);
      const pairwiseJwt = await signIn('pairwise', subject, RESOURCES.orders);
      const pairwiseOpaque = await signIn('pairwise', subject, RESOURCES.ledger);
      expect(decodeJwt(pairwiseJwt.token).sub).not.toBe(subject);
      expect(pairwiseOpaque.token.startsWith('at_')).toBe(true);
      const bystander = await signIn('web', unique('bob'), RESOURCES.orders);
      for (const t of [web, pairwiseJwt, pairwiseOpaque]) await expectLive(t.token);

      const { result: res, events } = await eventsDuring(sut, () => revoke({ subject }));
      expect(res.status).toBe(200);
      expectNoStore(res);
      const grantIds = [web, pairwiseJwt, pairwiseOpaque].map((t) => t.seeded.grant.grantId);
      expect(res.body).toEqual({
        revoked: 'subject',
        subject,
        revoked_at: expect.any(Number),
        exp: expect.any(Number),
        grant_ids: grantIds,
      });
      expect(ofType(events, 'subject.tokens_revoked').map((e) => [e.subject, e.data])).toEqual([
        [
          subject,
          { sub: subject, revoked_at: res.body.revoked_at, exp: res.body.exp, reason: 'admin' },
        ],
      ]);
      expect(
        ofType(events, 'grant.revoked')
          .map((e) => [e.data.grant_id, e.data.reason])
          .sort(),
      ).toEqual(grantIds.map((g) => [g, 'subject_revoked']).sort());
      for (const t of [web, pairwiseJwt, pairwiseOpaque]) await expectRevoked(t.token);
      await expectLive(bystander.token);
      expect((await listGrants(subject)).body).toEqual({ subject, grants: [] });
    });

    it('refuses by `sub` a token whose grant was not listed (a sign-in racing the revocation)', async () => {
      const subject = unique('frank');
      const racing = await signIn('web', subject, RESOURCES.orders);
      const listed = await signIn('web', subject, RESOURCES.orders);
      await grants.delete(racing.seeded.grant.grantId);
      await expectLive(racing.token);
      const res = await revoke({ subject });
      expect(res.body.grant_ids).toEqual([listed.seeded.grant.grantId]);
      await expectRevoked(racing.token);
      await expectRevoked(listed.token);
    });

    it('records the entry for a subject without live grants too', async () => {
      const subject = unique('nobody');
      const res = await revoke({ subject });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ revoked: 'subject', subject, grant_ids: [] });
    });
  });

  describe('GET /admin/subjects/{subject}/grants', () => {
    it("lists the subject's live grants, oldest first, with when each was last used", async () => {
      const subject = unique('carol@example.com');
      const first = await signIn('web', subject, RESOURCES.orders);
      const second = await signIn('pairwise', subject, RESOURCES.ledger);
      await signIn('web', unique('dave'), RESOURCES.orders);
      const usedAt = Date.now() + 5000;
      await grants.touch(second.seeded.grant.grantId, usedAt);
      const res = await listGrants(subject);
      expect(res.status).toBe(200);
      expectNoStore(res);
      const seconds = (ms: number) => Math.floor(ms / 1000);
      expect(res.body).toStrictEqual({
        subject,
        grants: [
          {
            grant_id: first.seeded.grant.grantId,
            client_id: SIGN_IN_CLIENTS.web.clientId,
            scopes: ['openid', 'orders:read'],
            resources: [RESOURCES.orders.identifier],
            created_at: seconds(first.seeded.grant.createdAt),
            last_used_at: seconds(first.seeded.grant.createdAt),
          },
          {
            grant_id: second.seeded.grant.grantId,
            client_id: SIGN_IN_CLIENTS.pairwise.clientId,
            scopes: ['openid', 'ledger:read'],
            resources: [RESOURCES.ledger.identifier],
            created_at: seconds(second.seeded.grant.createdAt),
            last_used_at: seconds(usedAt),
          },
        ],
      });
    });

    it('takes any subject of the subject syntax, percent-encoded in the path', async () => {
      const subject = unique('o/dd%?#+');
      const { seeded } = await signIn('web', subject, RESOURCES.orders);
      const res = await listGrants(subject);
      expect(res.status).toBe(200);
      expect(res.body.subject).toBe(subject);
      expect(res.body.grants.map((g: { grant_id: string }) => g.grant_id)).toEqual([
        seeded.grant.grantId,
      ]);
      expect((await withdraw(seeded.grant.grantId)).status).toBe(204);
    });

    it('answers an empty list for a subject without grants', async () => {
      const res = await listGrants('nobody-at-all');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ subject: 'nobody-at-all', grants: [] });
    });

    it('refuses a subject outside the subject syntax with 400 invalid_request', async () => {
      const res = await listGrants('a b');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    /** `count` grants of a new subject, stored as consent stores them; their ids, oldest first. */
    const subjectWithGrants = async (count: number) => {
      const subject = unique('erin@example.com');
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const { grant } = await seedSignIn(sut, {
          clientId: SIGN_IN_CLIENTS.web.clientId,
          redirectUri: SIGN_IN_CLIENTS.web.redirectUri,
          grant: { subject, createdAt: Date.now() + i },
        });
        ids.push(grant.grantId);
      }
      return { subject, ids };
    };
    const page = (subject: string, query: string) =>
      admin('GET', `/admin/subjects/${encodeURIComponent(subject)}/grants?${query}`);
    const idsOf = (res: HttpResponse) =>
      (res.body.grants as { grant_id: string }[]).map((g) => g.grant_id);

    it('answers a bounded page and a next_cursor for the rest (limit, cursor)', async () => {
      const { subject, ids } = await subjectWithGrants(5);
      const all = await page(subject, 'limit=200');
      expect(all.body.next_cursor).toBeUndefined();
      expect([...idsOf(all)].sort()).toEqual([...ids].sort());
      const seen: string[][] = [];
      let res = await page(subject, 'limit=2');
      for (;;) {
        expect(res.status).toBe(200);
        expectNoStore(res);
        seen.push(idsOf(res));
        if (res.body.next_cursor === undefined) break;
        res = await page(subject, `limit=2&cursor=${res.body.next_cursor as string}`);
      }
      expect(seen.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(seen.flat()).toEqual(idsOf(all));
    });

    it('holds at most 50 grants by default', async () => {
      const { subject } = await subjectWithGrants(51);
      const first = await listGrants(subject);
      expect(first.body.grants).toHaveLength(50);
      const rest = await page(subject, `cursor=${first.body.next_cursor as string}`);
      expect(rest.body).toEqual({ subject, grants: [expect.anything()] });
    });

    it.each([
      ['limit=0'],
      ['limit=201'],
      ['limit=ten'],
      ['limit=-1'],
      ['limit=2&limit=3'],
      ['cursor='],
      ['cursor=not-one-of-ours'],
      ['cursor=a&cursor=b'],
    ])('refuses %s with 400 invalid_request', async (query) => {
      const res = await page('alice', query);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expectNoStore(res);
    });
  });

  describe('DELETE /admin/grants/{grant_id}', () => {
    it('withdraws the grant: 204, grant.revoked (withdrawn), its tokens refused at once', async () => {
      const subject = unique('erin');
      const { token, seeded } = await signIn('pairwise', subject, RESOURCES.orders);
      await expectLive(token);
      const { result: res, events } = await eventsDuring(sut, () => withdraw(seeded.grant.grantId));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(ofType(events, 'grant.revoked').map((e) => e.data)).toEqual([
        {
          grant_id: seeded.grant.grantId,
          client_id: SIGN_IN_CLIENTS.pairwise.clientId,
          exp: expect.any(Number),
          reason: 'withdrawn',
        },
      ]);
      await expectRevoked(token);
      await expect(grants.find(seeded.grant.grantId)).resolves.toBeNull();
      expect((await listGrants(subject)).body.grants).toEqual([]);
    });

    it('answers 404 not_found for a grant that is not live, recording nothing', async () => {
      const { result: res, events } = await eventsDuring(sut, () => withdraw('no-such-grant'));
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('not_found');
      expect(events).toEqual([]);
    });
  });
});
