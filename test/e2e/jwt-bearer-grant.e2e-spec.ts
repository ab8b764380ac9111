import { decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import { JWT_BEARER_GRANT } from '@app/config';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { FakeExternalIssuer } from '../support/fake-external-issuer';
import { eventsDuring, expectNoEventContains, ofType } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { basicAuthorization, clientAuth, HttpResponse, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const PORTAL = { clientId: 'svc-portal', secret: 'portal-secret-0123456789abcdef' };

/**
 * The JWT-bearer authorization grant (RFC 7523 §2.1): a trusted issuer's assertion about a user
 * gives the client an access token for that user, under a grant like any other.
 */
describe('token endpoint: urn:ietf:params:oauth:grant-type:jwt-bearer', () => {
  let idp: FakeExternalIssuer;
  let ci: FakeExternalIssuer;
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    [idp, ci] = await Promise.all([
      FakeExternalIssuer.start('/idp'),
      FakeExternalIssuer.start('/ci'),
    ]);
    sut = await startStandaloneServer(
      {},
      {
        document: { trusted_issuers: [{ issuer: idp.issuer }, { issuer: ci.issuer }] },
        extraClients: [
          {
            client_id: PORTAL.clientId,
            client_secret: PORTAL.secret,
            grant_types: [JWT_BEARER_GRANT],
            scope: 'orders:read ledger:read',
            resources: [RESOURCES.orders.identifier, RESOURCES.ledger.identifier],
            // The CI issuer is trusted, but not for this client's users.
            jwt_bearer: { issuers: [idp.issuer] },
          },
        ],
      },
    );
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(async () => {
    await sut?.close();
    await Promise.all([idp?.close(), ci?.close()]);
  });

  const portal = clientAuth.basic(PORTAL);
  const userAssertion = (over: Record<string, unknown> = {}, issuer = idp) =>
    issuer.sign({ sub: 'alice@corp.example', aud: sut.url, jti: randomUUID(), ...over });
  const exchange = async (assertion: string, form: Record<string, string> = {}) =>
    oauth.token({ grant_type: JWT_BEARER_GRANT, assertion, ...form }, portal);
  const expectInvalidGrant = (res: HttpResponse) => {
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.headers.get('cache-control')).toBe('no-store');
  };
  const admin = (method: string, path: string) =>
    send(`${sut.url}${path}`, {
      method,
      headers: { authorization: basicAuthorization(CLIENTS.admin.clientId, CLIENTS.admin.secret) },
    });

  it('is advertised in the metadata, since a client may use it', async () => {
    const res = await send(`${sut.url}/.well-known/oauth-authorization-server`, { method: 'GET' });
    expect(res.body.grant_types_supported).toContain(JWT_BEARER_GRANT);
  });

  it("issues for the assertion's subject, its issuer as idp, under a new grant recorded before the token", async () => {
    const assertion = await userAssertion({ auth_time: 1_700_000_000 });
    const { result: res, events } = await eventsDuring(sut, () => exchange(assertion));
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
    const claims = decodeJwt(res.body.access_token);
    expect(claims).toMatchObject({
      sub: 'alice@corp.example',
      idp: idp.issuer,
      client_id: PORTAL.clientId,
      aud: RESOURCES.orders.identifier,
      scope: 'orders:read',
      auth_time: 1_700_000_000,
    });
    expect(typeof claims.grant_id).toBe('string');
    expect(events.map((e) => e.type)).toEqual(['grant.created', 'token.issued']);
    expect(ofType(events, 'grant.created')[0]!.data).toMatchObject({
      grant_id: claims.grant_id,
      sub: 'alice@corp.example',
      client_id: PORTAL.clientId,
      scopes: ['orders:read'],
    });
    expect(ofType(events, 'token.issued')[0]!.data).toMatchObject({
      grant_type: JWT_BEARER_GRANT,
      grant_id: claims.grant_id,
      sub: 'alice@corp.example',
      idp: idp.issuer,
      federated_issuer: idp.issuer,
      federated_subject: 'alice@corp.example',
    });
    expectNoEventContains(events, assertion);
  });

  it('gives an opaque token whose introspection names the idp', async () => {
    const res = await exchange(await userAssertion(), {
      resource: RESOURCES.ledger.identifier,
      scope: 'ledger:read',
    });
    expect(res.status).toBe(200);
    const introspected = await oauth.introspect(
      { token: res.body.access_token },
      clientAuth.basic(CLIENTS.introspector),
    );
    expect(introspected.body).toMatchObject({
      active: true,
      sub: 'alice@corp.example',
      idp: idp.issuer,
      client_id: PORTAL.clientId,
    });
  });

  it('makes a grant like any other: listed for the subject, and revoking it revokes the token', async () => {
    const subject = `bob-${randomUUID()}`;
    const res = await exchange(await userAssertion({ sub: subject }), {
      resource: RESOURCES.ledger.identifier,
    });
    expect(res.status).toBe(200);
    const token = res.body.access_token as string;
    const listed = await admin('GET', `/admin/subjects/${encodeURIComponent(subject)}/grants`);
    expect(listed.status).toBe(200);
    const grants = listed.body.grants as { grant_id: string; client_id: string }[];
    expect(grants).toHaveLength(1);
    expect(grants[0]!.client_id).toBe(PORTAL.clientId);
    const introspect = () =>
      oauth.introspect({ token }, clientAuth.basic(CLIENTS.introspector)).then((r) => r.body);
    expect((await introspect()).active).toBe(true);
    expect((await admin('DELETE', `/admin/grants/${grants[0]!.grant_id}`)).status).toBe(204);
    expect(await introspect()).toEqual({ active: false });
  });

  describe('refuses with invalid_grant', () => {
    it('an issuer the client does not list, though trusted', async () => {
      expectInvalidGrant(await exchange(await userAssertion({}, ci)));
    });

    it('an assertion for another audience', async () => {
      expectInvalidGrant(await exchange(await userAssertion({ aud: 'https://elsewhere.example' })));
    });

    it('an expired assertion', async () => {
      const now = Math.floor(Date.now() / 1000);
      expectInvalidGrant(await exchange(await userAssertion({ iat: now - 600, exp: now - 60 })));
    });

    it('an assertion presented twice (its jti), the first time answered', async () => {
      const assertion = await userAssertion();
      expect((await exchange(assertion)).status).toBe(200);
      expectInvalidGrant(await exchange(assertion));
    });

    it('an unsigned or HMAC assertion, and one signed by a key the issuer does not publish', async () => {
      expectInvalidGrant(await exchange(idp.unsecured({ sub: 'alice', aud: sut.url })));
      const hmac = await idp.sign(
        { sub: 'alice', aud: sut.url },
        { alg: 'HS256', key: new TextEncoder().encode('a shared secret of at least 32 bytes') },
      );
      expectInvalidGrant(await exchange(hmac));
      const forger = await FakeExternalIssuer.start('/idp');
      try {
        expectInvalidGrant(
          await exchange(
            await forger.sign({ iss: idp.issuer, sub: 'alice', aud: sut.url }, { kid: idp.kid }),
          ),
        );
      } finally {
        await forger.close();
      }
    });

    it('a string that is no JWT', async () => {
      expectInvalidGrant(await exchange('not-a-jwt'));
    });
  });

  it('needs the assertion parameter: invalid_request', async () => {
    const res = await oauth.token({ grant_type: JWT_BEARER_GRANT }, portal);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('is unauthorized_client for a client not registered for it', async () => {
    const res = await oauth.token(
      { grant_type: JWT_BEARER_GRANT, assertion: await userAssertion() },
      clientAuth.basic(CLIENTS.basic),
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });

  it('refuses a scope the client may not have without spending the assertion', async () => {
    const assertion = await userAssertion();
    const res = await exchange(assertion, { scope: 'orders:write' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
    expect((await exchange(assertion)).status).toBe(200);
  });
});
