import { decodeJwt, JWK } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BearerError,
  bearerErrorResponse,
  InsufficientScope,
  InvalidBearerRequest,
  InvalidToken,
  ResourceServerOptions,
  TokenStateUnavailable,
  TokenValidator,
} from '@app/resource-server';
import { SIGNING_ALGS } from '@app/config';
import { MemoryProjectionMarker, MemoryRevocationStore, REVOCATION_STORE } from '@app/store';
import { IdTokenFormat } from '@app/tokens';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { fakeClock } from '../support/fake-clock';
import { freePort } from '../support/free-port';
import { hmacWithPublicKey, unsecured, withPayloadCharFlipped } from '../support/forged-tokens';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth, send } from '../support/oauth-http';
import { parseSamples, sampleValue } from '../support/prometheus-text';
import { RsFlakyFeed } from '../support/rs-flaky-feed';
import { RsJwksServer, startRsJwksServer } from '../support/rs-jwks-server';
import {
  nowSeconds,
  rsClaims,
  rsMint,
  rsSign,
  rsSigningKey,
  rsSignWithPlatformKey,
} from '../support/rs-tokens';
import {
  isAccepted,
  isRefusedWith,
  rsOutcome,
  rsOutcomeWithin,
  rsRefusal,
} from '../support/rs-validation';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** DESIGN "Revocation that is felt at once": how soon a replica must refuse a revoked token. */
const FELT_AT_ONCE_MS = 200;

const INVALID_TOKEN_CHALLENGE =
  /^Bearer realm="[^"]+", error="invalid_token", error_description="[^"]*"$/;

/**
 * libs/resource-server as an API replica uses it without Nest: `TokenValidator` against the
 * running platform (issuance, introspection and revocation in-process), its JWKS, and its
 * revocation store followed as the validator's revocation feed.
 */
describe('resource-server TokenValidator against the platform', () => {
  let server: StandaloneServer;
  let oauth: OAuthClient;
  let store: MemoryRevocationStore;
  /** Audience: the orders resource (JWT, ES256). */
  let orders: TokenValidator;
  const validators: TokenValidator[] = [];
  const owner = clientAuth.basic(CLIENTS.basic);

  /** Every refusal this suite saw, with the token refused: none may repeat the token. */
  const refusals: { token: string; error: BearerError; realm: string }[] = [];

  const options = (overrides: Partial<ResourceServerOptions> = {}): ResourceServerOptions => ({
    issuer: server.url,
    audience: RESOURCES.orders.identifier,
    jwksUri: `${server.url}/oauth2/jwks`,
    revocationFeed: store,
    clockSkewSeconds: 5,
    introspection: {
      endpoint: server.config.endpoints.introspection,
      clientId: CLIENTS.introspector.clientId,
      clientSecret: CLIENTS.introspector.secret,
    },
    ...overrides,
  });

  const startValidator = async (overrides: Partial<ResourceServerOptions> = {}) => {
    const v = new TokenValidator(options(overrides));
    validators.push(v);
    await v.start();
    return v;
  };

  const validate = (v: TokenValidator, token: string) =>
    v.validate({ authorization: `Bearer ${token}` });

  const refuse = async (v: TokenValidator, token: string): Promise<BearerError> => {
    const error = await rsRefusal(v, token);
    refusals.push({ token, error, realm: v.realm });
    return error;
  };

  const expectInvalidToken = async (v: TokenValidator, token: string) => {
    const e = await refuse(v, token);
    expect(e).toBeInstanceOf(InvalidToken);
    expect(e.status).toBe(401);
    expect(e.challenge(v.realm)).toMatch(INVALID_TOKEN_CHALLENGE);
  };

  const issue = (resource: { identifier: string }, form: Record<string, string> = {}) =>
    oauth.accessToken(owner, { resource: resource.identifier, ...form });

  const revoke = async (token: string, auth: ClientAuth = owner) => {
    const res = await oauth.revoke({ token }, auth);
    expect(res.status).toBe(200);
  };

  /** Waits until `v` refuses `token` with 401, at most FELT_AT_ONCE_MS after the revocation. */
  const expectRefusedAtOnce = async (v: TokenValidator, token: string) => {
    const { outcome, afterMs } = await rsOutcomeWithin(
      v,
      token,
      isRefusedWith(401),
      FELT_AT_ONCE_MS,
      'the revocation',
    );
    expect(afterMs).toBeLessThanOrEqual(FELT_AT_ONCE_MS);
    const error = (outcome as { error: BearerError }).error;
    refusals.push({ token, error, realm: v.realm });
    expect(error).toBeInstanceOf(InvalidToken);
    expect(error.challenge(v.realm)).toMatch(INVALID_TOKEN_CHALLENGE);
  };

  beforeAll(async () => {
    server = await startStandaloneServer();
    oauth = new OAuthClient(server.config.endpoints);
    store = server.app.get<MemoryRevocationStore>(REVOCATION_STORE);
    orders = await startValidator();
  });

  afterAll(async () => {
    fakeClock.restore();
    await Promise.all(validators.map((v) => v.close()));
    await server?.close();
  });

  describe('a token from POST /oauth2/token', () => {
    it('validates, with its claims and its scopes parsed', async () => {
      const token = await issue(RESOURCES.orders, { scope: 'orders:read orders:write' });
      const validated = await validate(orders, token);
      expect(validated).toMatchObject({
        iss: server.url,
        aud: RESOURCES.orders.identifier,
        sub: CLIENTS.basic.clientId,
        clientId: CLIENTS.basic.clientId,
        jti: decodeJwt(token).jti,
        exp: decodeJwt(token).exp,
      });
      expect([...validated.scopes].sort()).toEqual(['orders:read', 'orders:write']);
    });

    it('requireScopes passes for a scope it carries and is 403 insufficient_scope naming the one it lacks', async () => {
      const token = await validate(orders, await issue(RESOURCES.orders, { scope: 'orders:read' }));
      expect(token.scopes).toEqual(['orders:read']);
      expect(() => orders.requireScopes(token, ['orders:read'])).not.toThrow();
      expect(() => orders.requireScopes(token, [])).not.toThrow();

      for (const required of [['orders:write'], ['orders:read', 'orders:write']]) {
        let thrown: unknown;
        try {
          orders.requireScopes(token, required);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(InsufficientScope);
        const e = thrown as InsufficientScope;
        expect(e.status).toBe(403);
        expect(e.challenge(orders.realm)).toMatch(/error="insufficient_scope"/);
        expect(e.challenge(orders.realm)).toContain(`scope="${required.join(' ')}"`);
      }
    });

    it('a scope is a whole word: orders:read does not satisfy orders:rea or orders', async () => {
      const token = await validate(orders, await issue(RESOURCES.orders, { scope: 'orders:read' }));
      expect(() => orders.requireScopes(token, ['orders:rea'])).toThrow(InsufficientScope);
      expect(() => orders.requireScopes(token, ['orders'])).toThrow(InsufficientScope);
    });
  });

  describe('revocation is felt at once', () => {
    it(`a JWT revoked through POST /oauth2/revoke is refused within ${FELT_AT_ONCE_MS} ms, though it was validated (and cached) before`, async () => {
      const token = await issue(RESOURCES.orders);
      const sibling = await issue(RESOURCES.orders);
      await validate(orders, token);
      await validate(orders, token);

      await revoke(token);
      await expectRefusedAtOnce(orders, token);
      // Only that token: its sibling from the same client stays good.
      await expect(validate(orders, sibling)).resolves.toMatchObject({
        jti: decodeJwt(sibling).jti,
      });
    });

    it('a revocation attempted by another client changes nothing', async () => {
      const token = await issue(RESOURCES.orders);
      await validate(orders, token);
      await revoke(token, clientAuth.basic(CLIENTS.hashed));

      // A later revocation by its owner is refused at once: the feed is ordered, so once the
      // marker is seen, the non-owner's attempt (earlier) has been seen too, had it been written.
      const marker = await issue(RESOURCES.orders);
      await revoke(marker);
      await expectRefusedAtOnce(orders, marker);

      await expect(validate(orders, token)).resolves.toMatchObject({ jti: decodeJwt(token).jti });
    });

    it("the validator's own registry shows the mirror current and the revocation's lag, for the host API", async () => {
      const mirrorOf = async () => parseSamples(await orders.metrics.metrics());
      const lagCount = 'token_lifecycle_revocation_mirror_lag_seconds_count';
      const before = sampleValue(await mirrorOf(), lagCount);
      const token = await issue(RESOURCES.orders);
      await revoke(token);
      await expectRefusedAtOnce(orders, token);
      const samples = await mirrorOf();
      expect(sampleValue(samples, lagCount)).toBeGreaterThan(before);
      expect(
        sampleValue(samples, 'token_lifecycle_revocation_mirror_lag_seconds_sum'),
      ).toBeLessThan(60);
      expect(
        sampleValue(samples, 'token_lifecycle_revocation_mirror_staleness_seconds'),
      ).toBeLessThanOrEqual(
        sampleValue(samples, 'token_lifecycle_revocation_mirror_staleness_budget_seconds'),
      );
      expect(
        sampleValue(samples, 'token_lifecycle_revocation_mirror_entries'),
      ).toBeGreaterThanOrEqual(1);
      const text = await orders.metrics.metrics();
      for (const secret of [token, decodeJwt(token).jti!, CLIENTS.basic.clientId])
        expect(text).not.toContain(secret);
    });
  });

  describe('claims, signature and header checks', () => {
    it.each([
      ['issued by the platform for another resource (edge)', async () => issue(RESOURCES.edge)],
      [
        'minted with the same key for another resource (admin)',
        async () => rsMint(server, { aud: RESOURCES.admin.identifier }),
      ],
    ])('refuses a token %s: 401 invalid_token', async (_case, make) => {
      const token = await make();
      await expectInvalidToken(orders, token);
    });

    it('refuses an expired token', async () => {
      const now = nowSeconds();
      await expectInvalidToken(
        orders,
        await rsMint(server, { iat: now - 600, nbf: now - 600, exp: now - 60 }),
      );
    });

    describe('clock skew of 5 s on exp and nbf', () => {
      it.each([
        ['exp 3 s ago', { exp: -3, nbf: -60, iat: -60 }],
        ['nbf 3 s ahead', { exp: 300, nbf: 3, iat: 0 }],
      ])('accepts a token with %s', async (_case, rel) => {
        const now = nowSeconds();
        const token = await rsMint(server, {
          exp: now + rel.exp,
          nbf: now + rel.nbf,
          iat: now + rel.iat,
        });
        await expect(validate(orders, token)).resolves.toMatchObject({ exp: now + rel.exp });
      });

      it.each([
        ['exp 10 s ago', { exp: -10, nbf: -60, iat: -60 }],
        ['nbf 10 s ahead', { exp: 300, nbf: 10, iat: 0 }],
      ])('refuses a token with %s', async (_case, rel) => {
        const now = nowSeconds();
        const token = await rsMint(server, {
          exp: now + rel.exp,
          nbf: now + rel.nbf,
          iat: now + rel.iat,
        });
        await expectInvalidToken(orders, token);
      });

      it('is the configured tolerance: with clockSkewSeconds 0, exp 3 s ago is refused', async () => {
        const strict = await startValidator({ clockSkewSeconds: 0 });
        const now = nowSeconds();
        const token = await rsMint(server, { iat: now - 60, nbf: now - 60, exp: now - 3 });
        await expect(validate(orders, token)).resolves.toBeDefined();
        await expectInvalidToken(strict, token);
      });

      it('an accepted token stops being accepted once exp + skew has passed (cached result too)', async () => {
        // The clock jumps below; a budget that long keeps the healthy mirror out of the picture.
        const patient = await startValidator({ stalenessBudgetMs: 3_600_000 });
        const token = await rsMint(server, { exp: nowSeconds() + 60 });
        await validate(patient, token);
        fakeClock.freeze();
        try {
          fakeClock.advanceSeconds(62);
          await expect(validate(patient, token)).resolves.toBeDefined();
          fakeClock.advanceSeconds(5);
          await expectInvalidToken(patient, token);
        } finally {
          fakeClock.restore();
        }
      });
    });

    describe('forgeries of a genuine token', () => {
      let genuine: string;
      let jwks: { keys: JWK[] };

      beforeAll(async () => {
        genuine = await issue(RESOURCES.orders);
        jwks = (await send(`${server.url}/oauth2/jwks`)).body as { keys: JWK[] };
      });

      it('the genuine token itself validates (so only the forged part fails below)', async () => {
        await expect(validate(orders, genuine)).resolves.toMatchObject({
          clientId: CLIENTS.basic.clientId,
        });
      });

      it('refuses alg: none', async () => {
        await expectInvalidToken(orders, unsecured(genuine));
      });

      it('refuses HS256 signed with the issuer public key as the HMAC secret', async () => {
        await expectInvalidToken(orders, await hmacWithPublicKey(genuine, jwks));
      });

      it('refuses a changed payload under the genuine signature', async () => {
        await expectInvalidToken(orders, withPayloadCharFlipped(genuine));
      });
    });

    describe('JWT typ (RFC 9068 §2.1)', () => {
      it('accepts at+jwt signed with the platform key (control)', async () => {
        const token = await rsSignWithPlatformKey(server, rsClaims(server.url), 'at+jwt');
        await expect(validate(orders, token)).resolves.toBeDefined();
      });

      it.each([['JWT'], ['jwt'], ['id_token+jwt'], [null]])(
        'refuses typ %s with the same key and claims',
        async (typ) => {
          const token = await rsSignWithPlatformKey(server, rsClaims(server.url), typ);
          await expectInvalidToken(orders, token);
        },
      );

      // OpenID Connect Core §2: an ID token is for the client, not a credential for an API.
      it.each(SIGNING_ALGS)(
        'refuses a genuine %s ID token of the platform, even one whose aud is this API',
        async (alg) => {
          const { token } = server.app.get(IdTokenFormat).mint(
            {
              sub: 'alice',
              clientId: RESOURCES.orders.identifier,
              authTime: nowSeconds(),
              grantId: 'grant-1',
              userClaims: { email: 'alice@example.com' },
            },
            { alg, ttlSeconds: 300 },
          );
          await expectInvalidToken(orders, token);
        },
      );
    });
  });

  describe('a flood of unknown kids', () => {
    const MIN_REFRESH_MS = 1000;
    let proxy: RsJwksServer;
    let flooded: TokenValidator;

    beforeAll(async () => {
      proxy = await startRsJwksServer({ upstream: `${server.url}/oauth2/jwks` });
      flooded = await startValidator({ jwksUri: proxy.url, jwksMinRefreshMs: MIN_REFRESH_MS });
    });
    afterAll(() => proxy?.close());

    it('refuses 200 tokens signed by keys the issuer never published, with at most one extra JWKS fetch', async () => {
      expect(proxy.requests()).toBe(1); // start()
      const forger = await rsSigningKey('unused');
      const forge = () =>
        rsSign(
          { kid: `never-published-${randomUUID()}`, privateKey: forger.privateKey },
          rsClaims(server.url),
        );
      const concurrent = await Promise.all(Array.from({ length: 100 }, forge));
      const sequential = await Promise.all(Array.from({ length: 100 }, forge));
      // Past the refresh interval: one fetch for an unknown kid is legitimate (a rotation).
      await sleep(MIN_REFRESH_MS + 50);
      const started = Date.now();

      const outcomes = await Promise.all(concurrent.map((t) => rsOutcome(flooded, t)));
      for (const t of sequential) outcomes.push(await rsOutcome(flooded, t));
      expect(Date.now() - started).toBeLessThan(MIN_REFRESH_MS); // the flood fits one interval

      const statuses = outcomes.map((o) => (o.ok ? 200 : o.error.status));
      expect(statuses).toEqual(Array(200).fill(401));
      expect(proxy.requests() - 1).toBeLessThanOrEqual(1);

      // The genuine keys still work, without a fetch.
      const before = proxy.requests();
      await expect(validate(flooded, await issue(RESOURCES.orders))).resolves.toBeDefined();
      expect(proxy.requests()).toBe(before);
    });
  });

  describe('key rotation (JWKS served by a test server the test controls)', () => {
    const ISSUER = 'https://rotating-issuer.test.example';
    let jwksServer: RsJwksServer;
    let rotating: TokenValidator;
    let keyA: Awaited<ReturnType<typeof rsSigningKey>>;
    let keyB: Awaited<ReturnType<typeof rsSigningKey>>;
    let ownFeed: MemoryRevocationStore;
    const claims = (exp: number) => rsClaims(ISSUER, { exp });

    beforeAll(async () => {
      [keyA, keyB] = await Promise.all([rsSigningKey('rotation-A'), rsSigningKey('rotation-B')]);
      jwksServer = await startRsJwksServer({ keys: [keyA.publicJwk] });
      ownFeed = new MemoryRevocationStore();
      rotating = await startValidator({
        issuer: ISSUER,
        jwksUri: jwksServer.url,
        jwksMinRefreshMs: 100,
        clockSkewSeconds: 0,
        revocationFeed: ownFeed,
        // The clock is moved forward below; the (healthy) mirror must not be judged stale.
        stalenessBudgetMs: 3_600_000,
      });
    });
    afterAll(() => jwksServer?.close());

    it('a new key B validates without a restart; tokens by A stay valid until their exp', async () => {
      const now = nowSeconds();
      const byA = await rsSign(keyA, claims(now + 60));
      const byALonger = await rsSign(keyA, claims(now + 3600));
      await expect(validate(rotating, byA)).resolves.toBeDefined();

      // B is published before it signs (DESIGN "Signing keys"), alongside A.
      jwksServer.publish([keyA.publicJwk, keyB.publicJwk]);
      await sleep(150);
      const byB = await rsSign(keyB, claims(now + 3600));
      await expect(validate(rotating, byB)).resolves.toMatchObject({ iss: ISSUER });
      expect(jwksServer.requests()).toBe(2);

      await expect(validate(rotating, byA)).resolves.toBeDefined();
      await expect(validate(rotating, byALonger)).resolves.toBeDefined();

      fakeClock.freeze();
      try {
        fakeClock.advanceSeconds(58);
        await expect(validate(rotating, byA)).resolves.toBeDefined();
        fakeClock.advanceSeconds(4);
        await expectInvalidToken(rotating, byA);
        await expect(validate(rotating, byB)).resolves.toBeDefined();
      } finally {
        fakeClock.restore();
      }

      // A is retired: withdrawn from the set and announced (key.rotated → refreshKeys).
      jwksServer.publish([keyB.publicJwk]);
      await rotating.refreshKeys();
      await expectInvalidToken(rotating, byALonger); // validated and cached before, still refused
      await expect(validate(rotating, byB)).resolves.toBeDefined();
    });

    it('a rotation notice (refreshKeys) makes a freshly published key usable at once', async () => {
      const keyC = await rsSigningKey('rotation-C');
      const patient = await startValidator({
        issuer: ISSUER,
        jwksUri: jwksServer.url,
        jwksMinRefreshMs: 60_000,
        revocationFeed: ownFeed,
      });
      const byC = await rsSign(keyC, claims(nowSeconds() + 300));
      jwksServer.publish([keyB.publicJwk, keyC.publicJwk]);
      // Within the unknown-kid refresh interval the new key is not fetched on its own...
      await expectInvalidToken(patient, byC);
      // ...but the notice fetches it now.
      await patient.refreshKeys();
      await expect(validate(patient, byC)).resolves.toMatchObject({ iss: ISSUER });
    });

    it('a kid reused for new key material: the new key validates after one refetch, the old is refused', async () => {
      const [old, renewed] = await Promise.all([
        rsSigningKey('rotation-reused'),
        rsSigningKey('rotation-reused'),
      ]);
      jwksServer.publish([old.publicJwk]);
      const reusing = await startValidator({
        issuer: ISSUER,
        jwksUri: jwksServer.url,
        jwksMinRefreshMs: 100,
        revocationFeed: ownFeed,
      });
      const byOld = await rsSign(old, claims(nowSeconds() + 300));
      await expect(validate(reusing, byOld)).resolves.toBeDefined(); // verified and cached

      jwksServer.publish([renewed.publicJwk]);
      await sleep(150);
      const before = jwksServer.requests();
      const byRenewed = await rsSign(renewed, claims(nowSeconds() + 300));
      await expect(validate(reusing, byRenewed)).resolves.toMatchObject({ iss: ISSUER });
      expect(jwksServer.requests()).toBe(before + 1);
      // The cached result of the old material does not outlive its key.
      await expectInvalidToken(reusing, byOld);
      expect(jwksServer.requests()).toBe(before + 1);
    });
  });

  describe('opaque tokens (the ledger resource), through introspection', () => {
    let ledger: TokenValidator;

    beforeAll(async () => {
      ledger = await startValidator({ audience: RESOURCES.ledger.identifier });
    });

    it('validates a token from POST /oauth2/token', async () => {
      const token = await issue(RESOURCES.ledger);
      expect(token).toMatch(/^at_/);
      const validated = await validate(ledger, token);
      expect(validated).toMatchObject({
        iss: server.url,
        aud: RESOURCES.ledger.identifier,
        clientId: CLIENTS.basic.clientId,
      });
      expect(validated.scopes).toContain('ledger:read');
    });

    it('is refused by an API it was not issued for (orders)', async () => {
      await expectInvalidToken(orders, await issue(RESOURCES.ledger));
    });

    it('refuses an unknown opaque token', async () => {
      await expectInvalidToken(ledger, `at_${randomBytes(32).toString('base64url')}`);
    });

    it(`revoked: refused within ${FELT_AT_ONCE_MS} ms, though its introspection answer was cached`, async () => {
      const token = await issue(RESOURCES.ledger);
      await validate(ledger, token);
      await revoke(token);
      await expectRefusedAtOnce(ledger, token);
    });

    it('introspection endpoint unreachable: 503 TokenStateUnavailable, not 401', async () => {
      const deadPort = await freePort();
      const cutOff = await startValidator({
        audience: RESOURCES.ledger.identifier,
        introspection: {
          endpoint: `http://127.0.0.1:${deadPort}/oauth2/introspect`,
          clientId: CLIENTS.introspector.clientId,
          clientSecret: CLIENTS.introspector.secret,
        },
      });
      const token = await issue(RESOURCES.ledger);
      const e = await refuse(cutOff, token);
      expect(e).toBeInstanceOf(TokenStateUnavailable);
      expect(e.status).toBe(503);
      expect(e.challenge(cutOff.realm)).toContain('error="temporarily_unavailable"');
      expect(bearerErrorResponse(e, cutOff.realm).headers).toMatchObject({ 'retry-after': '1' });
    });
  });

  describe('when the revocation feed fails (staleness budget 200 ms)', () => {
    const BUDGET_MS = 200;
    let feed: RsFlakyFeed;
    let failClosed: TokenValidator;
    let failOpen: TokenValidator;

    beforeAll(async () => {
      feed = new RsFlakyFeed(store);
      failClosed = await startValidator({ revocationFeed: feed, stalenessBudgetMs: BUDGET_MS });
      failOpen = await startValidator({
        revocationFeed: feed,
        stalenessBudgetMs: BUDGET_MS,
        failurePolicy: 'fail-open',
      });
    });
    afterEach(() => feed.recover());

    /** Waits until the fail-closed replica no longer vouches for its mirror. */
    const untilStale = async (token: string) => {
      const { outcome } = await rsOutcomeWithin(
        failClosed,
        token,
        isRefusedWith(503),
        BUDGET_MS + 1000,
        'the staleness budget running out',
      );
      return (outcome as { error: BearerError }).error;
    };

    it('while the feed is healthy, a valid token is accepted all along (the budget is kept)', async () => {
      const token = await issue(RESOURCES.orders);
      const until = Date.now() + 1500;
      const refusedAt: number[] = [];
      while (Date.now() < until) {
        for (const v of [failClosed, failOpen]) {
          const o = await rsOutcome(v, token);
          if (!o.ok) refusedAt.push(o.error.status);
        }
        await sleep(10);
      }
      expect(refusedAt).toEqual([]);
    });

    it('fail-closed (default): 503 past the budget; on recovery a revocation made during the outage is honored', async () => {
      const good = await issue(RESOURCES.orders);
      const victim = await issue(RESOURCES.orders);
      await validate(failClosed, good);
      await validate(failClosed, victim);

      feed.fail();
      await revoke(victim); // written while this replica cannot read the feed
      const stale = await untilStale(good);
      refusals.push({ token: good, error: stale, realm: failClosed.realm });
      expect(stale).toBeInstanceOf(TokenStateUnavailable);
      expect(stale.status).toBe(503);
      expect(stale.challenge(failClosed.realm)).toContain('error="temporarily_unavailable"');
      feed.recover();

      await rsOutcomeWithin(failClosed, victim, isRefusedWith(401), 1000, 'the missed revocation');
      const { outcome } = await rsOutcomeWithin(failClosed, good, isAccepted, 1000, 'recovery');
      expect(outcome.ok).toBe(true);
      await expectInvalidToken(failClosed, victim);
    });

    it('fail-open: a valid token is accepted while stale; on recovery the outage revocation is honored', async () => {
      const good = await issue(RESOURCES.orders);
      const victim = await issue(RESOURCES.orders);

      feed.fail();
      await revoke(victim); // written while this replica cannot read the feed
      await untilStale(good); // the same feed: failOpen's mirror is just as stale now
      await expect(validate(failOpen, good)).resolves.toMatchObject({ jti: decodeJwt(good).jti });
      feed.recover();
      await rsOutcomeWithin(failOpen, victim, isRefusedWith(401), 1000, 'the missed revocation');
      await expectInvalidToken(failOpen, victim);
      await expect(validate(failOpen, good)).resolves.toBeDefined();
    });
  });

  describe('following a store that is being rebuilt from the log (no projection marker yet)', () => {
    let marker: MemoryProjectionMarker;
    let rebuilding: MemoryRevocationStore;

    beforeEach(() => {
      // The store a replica follows came back empty: the revocation below is on the log (the
      // platform has it) but not replayed into this store yet.
      marker = new MemoryProjectionMarker();
      rebuilding = new MemoryRevocationStore(60_000, marker);
    });

    it('a replica that starts then is not ready, refuses (fail-closed) or cannot vouch (fail-open), until the marker is back', async () => {
      const valid = await issue(RESOURCES.orders);
      const revoked = await issue(RESOURCES.orders);
      await revoke(revoked);
      const failClosed = await startValidator({ revocationFeed: rebuilding });
      const failOpen = await startValidator({
        revocationFeed: rebuilding,
        failurePolicy: 'fail-open',
      });

      expect([failClosed.ready, failOpen.ready]).toEqual([false, false]);
      for (const token of [valid, revoked]) {
        const e = await refuse(failClosed, token);
        expect(e).toBeInstanceOf(TokenStateUnavailable);
        expect(e.status).toBe(503);
      }
      // fail-open is the operator's choice to go by the signature alone; it is still not ready.
      await expect(validate(failOpen, valid)).resolves.toBeDefined();

      // The projector replays the log, then writes the marker.
      await rebuilding.revoke({
        kind: 'token',
        clientId: CLIENTS.basic.clientId,
        jti: decodeJwt(revoked).jti!,
        expiresAt: decodeJwt(revoked).exp! * 1000,
      });
      await marker.mark();
      for (const v of [failClosed, failOpen]) {
        await rsOutcomeWithin(v, valid, isAccepted, 2000, 'the marker being back');
        expect(v.ready).toBe(true);
        await expectInvalidToken(v, revoked);
      }
    });
  });

  describe('errors never carry the token', () => {
    it('no refusal repeats the token (or its payload or signature) in message, description, challenge or body', async () => {
      const genuine = await issue(RESOURCES.orders);
      const revoked = await issue(RESOURCES.orders);
      await revoke(revoked);
      await expectRefusedAtOnce(orders, revoked);
      const now = nowSeconds();
      const cases: [string, string][] = [
        ['expired', await rsMint(server, { iat: now - 600, nbf: now - 600, exp: now - 60 })],
        ['wrong audience', await rsMint(server, { aud: RESOURCES.admin.identifier })],
        ['forged payload', withPayloadCharFlipped(genuine)],
        ['alg none', unsecured(genuine)],
        ['wrong typ', await rsSignWithPlatformKey(server, rsClaims(server.url), 'JWT')],
        ['unknown opaque', `at_${randomBytes(32).toString('base64url')}`],
        ['garbage', randomBytes(48).toString('base64url')],
      ];
      for (const [, token] of cases) await refuse(orders, token);

      // Malformed requests (400 invalid_request) built around a genuine token.
      for (const authorization of [`Bearer ${genuine} ${genuine}`, `Bearer ${genuine}"`]) {
        let thrown: unknown;
        try {
          await orders.validate({ authorization });
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(InvalidBearerRequest);
        refusals.push({ token: genuine, error: thrown as BearerError, realm: orders.realm });
      }

      expect(refusals.length).toBeGreaterThanOrEqual(cases.length + 3);
      const leaks = refusals.flatMap(({ token, error, realm }) => {
        const secrets = [
          token,
          ...token
            .split('.')
            .filter((part) => part.length >= 16)
            .slice(1),
        ];
        const rendered = [
          error.message,
          error.description,
          error.challenge(realm),
          JSON.stringify(bearerErrorResponse(error, realm)),
          String(error.stack),
        ].join('\n');
        return secrets.some((s) => rendered.includes(s)) ? [`${error.name}: ${error.message}`] : [];
      });
      expect(leaks).toEqual([]);
    });
  });
});
