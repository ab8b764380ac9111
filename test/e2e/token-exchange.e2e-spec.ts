import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { TokenValidator } from '@app/resource-server';
import { MemoryRevocationStore, REVOCATION_STORE } from '@app/store';
import { AccessTokenClaims, JwtAccessTokenFormat } from '@app/tokens';
import {
  CLIENTS,
  EXCHANGE_CLIENTS,
  REFRESH_CLIENTS,
  RESOURCES,
  TOKEN_EXCHANGE,
} from '../fixtures/test-registry';
import { eventsDuring, expectNoEventContains, ofType } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import {
  basicAuthorization,
  ClientAuth,
  clientAuth,
  HttpResponse,
  send,
} from '../support/oauth-http';
import { dpopKey, dpopProof } from '../support/dpop-proof';
import { rsOutcome, rsOutcomeWithin } from '../support/rs-validation';
import { seedSignIn } from '../support/sign-in-seed';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const AT = 'urn:ietf:params:oauth:token-type:access_token';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const X = EXCHANGE_CLIENTS;
const ordersApi = clientAuth.basic(X.orders);
const ledgerApi = clientAuth.basic(X.ledger);
const impersonator = clientAuth.basic(X.impersonator);
const caller = clientAuth.basic(CLIENTS.basic);
const introspector = clientAuth.basic(CLIENTS.introspector);

/**
 * grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693) against the booted
 * server: delegation (nested `act`, §4.1), impersonation, `may_act` (§4.4), the target and scope
 * rules, every refusal, and revocation down a chain of exchanges, as introspection and a
 * resource server's mirror feel it.
 */
describe('token exchange (RFC 8693)', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let edge: TokenValidator;
  let ledger: TokenValidator;

  const validator = (audience: string) =>
    new TokenValidator({
      issuer: sut.url,
      audience,
      jwksUri: sut.config.endpoints.jwks,
      revocationFeed: sut.app.get<MemoryRevocationStore>(REVOCATION_STORE),
      clockSkewSeconds: 5,
      introspection: {
        endpoint: sut.config.endpoints.introspection,
        clientId: CLIENTS.introspector.clientId,
        clientSecret: CLIENTS.introspector.secret,
        cacheMs: 0,
      },
    });

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
    edge = validator(RESOURCES.edge.identifier);
    ledger = validator(RESOURCES.ledger.identifier);
    await Promise.all([edge.start(), ledger.start()]);
  });
  afterAll(async () => {
    await Promise.all([edge?.close(), ledger?.close()]);
    await sut?.close();
  });

  /** svc-basic's token for the orders API (JWT, orders:read orders:write): the subject token. */
  const ordersToken = () =>
    oauth.accessToken(caller, {
      resource: RESOURCES.orders.identifier,
      scope: 'orders:read orders:write',
    });
  /** An API's own client_credentials token: its actor token. */
  const ownToken = (auth: ClientAuth) => oauth.accessToken(auth);
  const exchange = (auth: ClientAuth, form: Record<string, string>) =>
    oauth.token({ grant_type: TOKEN_EXCHANGE, subject_token_type: AT, ...form }, auth);
  const ok = (res: HttpResponse) => {
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.status).toBe(200);
    return res.body as Record<string, string | number>;
  };
  const refused = (res: HttpResponse, error: string) => {
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.error).toBe(error);
    expect(res.status).toBe(400);
    expect(res.body.error_description).toEqual(expect.any(String));
  };
  const introspect = async (token: string) =>
    (await oauth.introspect({ token }, introspector)).body as Record<string, unknown>;
  /** A token this issuer signs, with claims no grant writes (expired, or carrying may_act). */
  const signed = (over: Partial<AccessTokenClaims>) => {
    const iat = Math.floor(Date.now() / 1000);
    return sut.app.get(JwtAccessTokenFormat).mint(
      {
        iss: sut.url,
        sub: 'user-signed',
        aud: RESOURCES.orders.identifier,
        clientId: CLIENTS.basic.clientId,
        scope: 'orders:read',
        jti: randomBytes(16).toString('base64url'),
        iat,
        nbf: iat,
        exp: iat + 300,
        ...over,
      },
      'ES256',
    );
  };

  /** orders API, acting for svc-basic, gets a ledger token (opaque): a first delegation. */
  const firstDelegation = async () => {
    const subject = await ordersToken();
    const actor = await ownToken(ordersApi);
    const { result, events } = await eventsDuring(sut, () =>
      exchange(ordersApi, {
        subject_token: subject,
        actor_token: actor,
        actor_token_type: AT,
        resource: RESOURCES.ledger.identifier,
      }),
    );
    return { subject, actor, body: ok(result), events };
  };

  describe('delegation', () => {
    it('issues a token for the subject with the actor in act, and says what it issued', async () => {
      const { subject, actor, body, events } = await firstDelegation();
      expect(body).toEqual({
        access_token: expect.stringMatching(/^at_/),
        token_type: 'Bearer',
        issued_token_type: AT,
        expires_in: expect.any(Number),
        scope: 'ledger:read',
      });
      expect(body.refresh_token).toBeUndefined();
      const answer = await introspect(body.access_token as string);
      expect(answer).toMatchObject({
        active: true,
        sub: CLIENTS.basic.clientId,
        client_id: X.orders.clientId,
        aud: RESOURCES.ledger.identifier,
        scope: 'ledger:read',
        act: { sub: X.orders.clientId },
      });
      // Never past the subject token.
      expect(answer.exp as number).toBeLessThanOrEqual(decodeJwt(subject).exp!);

      const [issued] = ofType(events, 'token.issued');
      expect(events).toHaveLength(1);
      expect(issued).toMatchObject({
        dataschema: 'urn:token-lifecycle:schema:token.issued:v6',
        data: {
          grant_type: TOKEN_EXCHANGE,
          client_id: X.orders.clientId,
          sub: CLIENTS.basic.clientId,
          exchange_kind: 'delegation',
          act: { sub: X.orders.clientId },
          subject_jti: decodeJwt(subject).jti,
          subject_client_id: CLIENTS.basic.clientId,
          grant_id: expect.stringMatching(/^xg_/),
        },
      });
      expect(issued!.data).not.toHaveProperty('subject_grant_id');
      for (const token of [subject, actor, body.access_token as string])
        expectNoEventContains(sut.events(), token);
    });

    it('nests the first actor in a chain of two delegations (RFC 8693 §4.1), seen by the APIs', async () => {
      const first = await firstDelegation();
      const second = ok(
        await exchange(ledgerApi, {
          subject_token: first.body.access_token as string,
          actor_token: await ownToken(ledgerApi),
          actor_token_type: AT,
          audience: RESOURCES.edge.identifier,
        }),
      );
      const claims = decodeJwt(second.access_token as string);
      expect(claims).toMatchObject({
        sub: CLIENTS.basic.clientId,
        client_id: X.ledger.clientId,
        aud: RESOURCES.edge.identifier,
        scope: 'edge:read',
        act: { sub: X.ledger.clientId, act: { sub: X.orders.clientId } },
      });
      const act = { sub: X.ledger.clientId, act: { sub: X.orders.clientId } };
      expect((await introspect(second.access_token as string)).act).toEqual(act);
      // The resource-server library hands the API who acted for whom: a JWT, and an opaque token.
      const atEdge = await rsOutcome(edge, second.access_token as string);
      expect(atEdge.ok && atEdge.token.act).toEqual(act);
      const atLedger = await rsOutcome(ledger, first.body.access_token as string);
      expect(atLedger.ok && atLedger.token.act).toEqual({ sub: X.orders.clientId });
    });

    it('revokes both exchanged tokens when the first subject token is revoked (introspection and mirrors)', async () => {
      const first = await firstDelegation();
      const second = ok(
        await exchange(ledgerApi, {
          subject_token: first.body.access_token as string,
          actor_token: await ownToken(ledgerApi),
          actor_token_type: AT,
          audience: RESOURCES.edge.identifier,
        }),
      );
      const [t1, t2] = [first.body.access_token as string, second.access_token as string];
      expect((await rsOutcome(edge, t2)).ok).toBe(true);
      expect((await oauth.revoke({ token: first.subject }, caller)).status).toBe(200);
      expect(await introspect(t1)).toEqual({ active: false });
      expect(await introspect(t2)).toEqual({ active: false });
      for (const [rs, token] of [
        [ledger, t1],
        [edge, t2],
      ] as const)
        await rsOutcomeWithin(rs, token, (o) => !o.ok, 2_000, 'the revocation at the API');
      // And the revoked token exchanges no more.
      refused(
        await exchange(ledgerApi, {
          subject_token: t1,
          actor_token: await ownToken(ledgerApi),
          actor_token_type: AT,
        }),
        'invalid_request',
      );
    });

    it("revokes what was exchanged from a client's tokens when the admin API revokes them all", async () => {
      const first = await firstDelegation();
      const t1 = first.body.access_token as string; // api-orders-exchange's
      const t2 = ok(
        await exchange(ledgerApi, {
          subject_token: t1,
          actor_token: await ownToken(ledgerApi),
          actor_token_type: AT,
          audience: RESOURCES.edge.identifier,
        }),
      ).access_token as string; // api-ledger-exchange's, exchanged from t1
      expect((await rsOutcome(edge, t2)).ok).toBe(true);
      const res = await send(`${sut.url}/admin/revocations`, {
        method: 'POST',
        headers: {
          authorization: basicAuthorization(CLIENTS.admin.clientId, CLIENTS.admin.secret),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ client_id: X.orders.clientId }),
      });
      expect(res.status).toBe(200);
      expect(await introspect(t1)).toEqual({ active: false });
      // Not a token of the revoked client: reached through the chain it was exchanged from.
      expect(await introspect(t2)).toEqual({ active: false });
      await rsOutcomeWithin(edge, t2, (o) => !o.ok, 2_000, 'the revocation at the API');
      // What t1 was exchanged from belongs to another client, and lives on.
      expect((await introspect(first.subject)).active).toBe(true);
      // The cut-off covers the client's tokens issued in its second (iat is in seconds): the
      // tests after this one get tokens of a later second.
      const revokedAt = res.body.revoked_at as number;
      await new Promise((r) =>
        setTimeout(r, (Math.floor(revokedAt / 1000) + 1) * 1000 - Date.now() + 5),
      );
    });

    it('revokes what a middle token was exchanged into, not what it came from', async () => {
      const first = await firstDelegation();
      const t1 = first.body.access_token as string;
      const t2 = ok(
        await exchange(ledgerApi, {
          subject_token: t1,
          actor_token: await ownToken(ledgerApi),
          actor_token_type: AT,
          audience: RESOURCES.edge.identifier,
        }),
      ).access_token as string;
      expect((await oauth.revoke({ token: t1 }, ordersApi)).status).toBe(200);
      expect((await introspect(t2)).active).toBe(false);
      expect((await introspect(first.subject)).active).toBe(true);
    });

    it("revokes a token exchanged from a user's token when the user's grant is revoked", async () => {
      const R = REFRESH_CLIENTS;
      const web = clientAuth.basic(R.web);
      const seeded = await seedSignIn(sut, {
        clientId: R.web.clientId,
        redirectUri: R.redirectUri,
        grant: {
          scopes: ['openid', 'offline_access', 'orders:read'],
          resources: [RESOURCES.orders.identifier],
        },
      });
      const signedIn = ok(
        await oauth.token(
          {
            grant_type: 'authorization_code',
            code: seeded.code,
            redirect_uri: R.redirectUri,
            code_verifier: seeded.verifier,
          },
          web,
        ),
      );
      const userToken = signedIn.access_token as string;
      const exchanged = ok(
        await exchange(ordersApi, {
          subject_token: userToken,
          actor_token: await ownToken(ordersApi),
          actor_token_type: AT,
          resource: RESOURCES.ledger.identifier,
        }),
      );
      const answer = await introspect(exchanged.access_token as string);
      expect(answer).toMatchObject({
        active: true,
        sub: 'user-alice',
        act: { sub: X.orders.clientId },
        auth_time: expect.any(Number),
        amr: ['pwd'],
      });
      // RFC 7009 §2.1: revoking the refresh token revokes the grant, and what hangs on it.
      expect((await oauth.revoke({ token: signedIn.refresh_token as string }, web)).status).toBe(
        200,
      );
      expect((await introspect(userToken)).active).toBe(false);
      expect(await introspect(exchanged.access_token as string)).toEqual({ active: false });
    });
  });

  describe('impersonation', () => {
    it('issues a token for the subject alone, with no act', async () => {
      const subject = await ordersToken();
      const { result, events } = await eventsDuring(sut, () =>
        exchange(impersonator, { subject_token: subject, scope: 'orders:read' }),
      );
      const body = ok(result);
      expect(body).toMatchObject({
        token_type: 'Bearer',
        issued_token_type: AT,
        scope: 'orders:read',
      });
      const claims = decodeJwt(body.access_token as string);
      expect(claims).toMatchObject({
        sub: CLIENTS.basic.clientId,
        client_id: X.impersonator.clientId,
        aud: RESOURCES.orders.identifier,
      });
      expect(claims).not.toHaveProperty('act');
      expect(await introspect(body.access_token as string)).not.toHaveProperty('act');
      expect(ofType(events, 'token.issued')[0]?.data).toMatchObject({
        exchange_kind: 'impersonation',
      });
      expect(ofType(events, 'token.issued')[0]?.data).not.toHaveProperty('act');
    });

    it('issues a JWT-typed token when asked for one and the resource takes JWTs', async () => {
      const body = ok(
        await exchange(impersonator, {
          subject_token: await ordersToken(),
          requested_token_type: JWT,
        }),
      );
      expect(body.issued_token_type).toBe(JWT);
      expect(body.scope).toBe('orders:read orders:write');
    });
  });

  describe('sender constraint (RFC 9449)', () => {
    it("binds the exchanged token to the exchanging client's DPoP key, recorded on v6", async () => {
      const key = await dpopKey();
      const proof = await dpopProof({ key, htm: 'POST', htu: sut.config.endpoints.token });
      const withProof: ClientAuth = {
        ...impersonator,
        headers: { ...impersonator.headers, dpop: proof },
      };
      const { result, events } = await eventsDuring(sut, async () =>
        exchange(withProof, { subject_token: await ordersToken() }),
      );
      const body = ok(result);
      expect(body).toMatchObject({ token_type: 'DPoP', issued_token_type: AT });
      expect(decodeJwt(body.access_token as string).cnf).toEqual({ jkt: key.jkt });
      expect(ofType(events, 'token.issued').at(-1)?.data).toMatchObject({
        exchange_kind: 'impersonation',
        cnf_kind: 'jkt',
        cnf_thumbprint: key.jkt,
      });
    });
  });

  describe('may_act (RFC 8693 §4.4)', () => {
    it('lets the party it names act', async () => {
      const subject = await signed({ mayAct: { sub: X.orders.clientId } });
      ok(
        await exchange(ordersApi, {
          subject_token: subject,
          actor_token: await ownToken(ordersApi),
          actor_token_type: AT,
        }),
      );
    });

    it.each([
      ['another actor (delegation)', () => ownToken(ordersApi), ordersApi],
      ['another client (impersonation)', async () => undefined, impersonator],
    ])('refuses %s: invalid_request', async (_, actorOf, auth) => {
      const subject = await signed({ mayAct: { sub: 'api-payments' } });
      const actor = await actorOf();
      const form: Record<string, string> =
        actor === undefined ? {} : { actor_token: actor, actor_token_type: AT };
      const { result, events } = await eventsDuring(sut, () =>
        exchange(auth, { subject_token: subject, ...form }),
      );
      refused(result, 'invalid_request');
      expect(events).toEqual([]);
    });
  });

  describe('refusals', () => {
    it.each<[string, () => Promise<Record<string, string>>, ClientAuth, string]>([
      [
        'a scope the subject token did not carry, at its own audience',
        async () => ({ subject_token: await ordersToken(), scope: 'orders:read admin:all' }),
        impersonator,
        'invalid_scope',
      ],
      [
        'a scope the client has not at another audience',
        async () => ({
          subject_token: await ordersToken(),
          resource: RESOURCES.ledger.identifier,
          scope: 'ledger:write',
        }),
        ordersApi,
        'invalid_scope',
      ],
      [
        'an audience outside the policy',
        async () => ({ subject_token: await ordersToken(), audience: RESOURCES.admin.identifier }),
        ordersApi,
        'invalid_target',
      ],
      [
        'an unknown audience',
        async () => ({
          subject_token: await ordersToken(),
          audience: 'https://nowhere.test.example',
        }),
        ordersApi,
        'invalid_target',
      ],
      [
        'resource and audience naming different targets',
        async () => ({
          subject_token: await ordersToken(),
          resource: RESOURCES.orders.identifier,
          audience: RESOURCES.ledger.identifier,
        }),
        ordersApi,
        'invalid_target',
      ],
      [
        'a requested refresh token',
        async () => ({
          subject_token: await ordersToken(),
          requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
        }),
        impersonator,
        'invalid_request',
      ],
      [
        'an unknown requested_token_type',
        async () => ({
          subject_token: await ordersToken(),
          requested_token_type: 'urn:ietf:params:oauth:token-type:saml2',
        }),
        impersonator,
        'invalid_request',
      ],
      [
        'a JWT-typed token for a resource of opaque tokens',
        async () => ({
          subject_token: await ordersToken(),
          resource: RESOURCES.ledger.identifier,
          requested_token_type: JWT,
        }),
        ordersApi,
        'invalid_request',
      ],
      [
        'actor_token without actor_token_type',
        async () => ({
          subject_token: await ordersToken(),
          actor_token: await ownToken(ordersApi),
        }),
        ordersApi,
        'invalid_request',
      ],
      [
        'actor_token_type without actor_token',
        async () => ({ subject_token: await ordersToken(), actor_token_type: AT }),
        ordersApi,
        'invalid_request',
      ],
      [
        "another client's token as actor_token",
        async () => ({
          subject_token: await ordersToken(),
          actor_token: await ownToken(caller),
          actor_token_type: AT,
        }),
        ordersApi,
        'invalid_request',
      ],
      [
        'an expired subject token',
        async () => ({
          subject_token: await signed({ iat: 1, nbf: 1, exp: Math.floor(Date.now() / 1000) - 5 }),
        }),
        impersonator,
        'invalid_request',
      ],
      [
        'a subject token that is no token',
        async () => ({ subject_token: 'at_not-a-token' }),
        impersonator,
        'invalid_request',
      ],
      [
        'a subject token neither issued to nor meant for the client',
        async () => ({
          subject_token: await oauth.accessToken(caller, { resource: RESOURCES.ledger.identifier }),
        }),
        impersonator,
        'invalid_request',
      ],
      [
        'an opaque subject token presented as a JWT',
        async () => ({
          subject_token: (await firstDelegation()).body.access_token as string,
          subject_token_type: JWT,
        }),
        ordersApi,
        'invalid_request',
      ],
      [
        'a subject_token_type that is not an access token',
        async () => ({
          subject_token: await ordersToken(),
          subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        }),
        impersonator,
        'invalid_request',
      ],
      [
        'delegation by a client allowed only to impersonate',
        async () => ({
          subject_token: await ordersToken(),
          actor_token: await ownToken(ordersApi),
          actor_token_type: AT,
        }),
        impersonator,
        'unauthorized_client',
      ],
      [
        'impersonation by a client allowed only to delegate',
        async () => ({ subject_token: (await firstDelegation()).body.access_token as string }),
        ledgerApi,
        'unauthorized_client',
      ],
      [
        'a client without the grant type (no policy)',
        async () => ({ subject_token: await ordersToken() }),
        caller,
        'unauthorized_client',
      ],
    ])('refuses %s, and issues nothing', async (_, form, auth, error) => {
      const input = await form();
      const { result, events } = await eventsDuring(sut, () => exchange(auth, input));
      refused(result, error);
      expect(events).toEqual([]);
    });

    it('refuses a revoked subject token', async () => {
      const subject = await ordersToken();
      expect((await oauth.revoke({ token: subject }, caller)).status).toBe(200);
      refused(await exchange(impersonator, { subject_token: subject }), 'invalid_request');
    });

    it('refuses a revoked actor token', async () => {
      const actor = await ownToken(ordersApi);
      expect((await oauth.revoke({ token: actor }, ordersApi)).status).toBe(200);
      refused(
        await exchange(ordersApi, {
          subject_token: await ordersToken(),
          actor_token: actor,
          actor_token_type: AT,
        }),
        'invalid_request',
      );
    });

    it('refuses a missing subject_token or subject_token_type, and a repeated audience', async () => {
      refused(await exchange(impersonator, {}), 'invalid_request');
      refused(
        await oauth.token(
          { grant_type: TOKEN_EXCHANGE, subject_token: await ordersToken() },
          impersonator,
        ),
        'invalid_request',
      );
      refused(
        await oauth.token(
          [
            ['grant_type', TOKEN_EXCHANGE],
            ['subject_token_type', AT],
            ['subject_token', await ordersToken()],
            ['audience', RESOURCES.orders.identifier],
            ['audience', RESOURCES.orders.identifier],
          ],
          impersonator,
        ),
        'invalid_request',
      );
    });
  });

  it('is advertised in the metadata, a client being registered for it', async () => {
    const { body } = await send(`${sut.url}/.well-known/oauth-authorization-server`);
    expect(body.grant_types_supported).toContain(TOKEN_EXCHANGE);
  });
});
