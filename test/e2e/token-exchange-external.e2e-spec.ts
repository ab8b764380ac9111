import { createHash, randomUUID } from 'node:crypto';
import { CLIENTS, RESOURCES, TOKEN_EXCHANGE } from '../fixtures/test-registry';
import { FakeExternalIssuer } from '../support/fake-external-issuer';
import { eventsDuring, expectNoEventContains, ofType } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { basicAuthorization, clientAuth, HttpResponse, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const AT = 'urn:ietf:params:oauth:token-type:access_token';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const EXCHANGER = { clientId: 'api-external-exchange', secret: 'external-exchange-secret-012345' };
const OTHER_EXCHANGER = {
  clientId: 'api-external-other',
  secret: 'external-other-secret-0123456789',
};
const exchanger = clientAuth.basic(EXCHANGER);
const introspector = clientAuth.basic(CLIENTS.introspector);

/**
 * RFC 8693 with a trusted external issuer's JWT as `subject_token` (type `jwt`): the client must
 * list the issuer in `token_exchange.subject_issuers`; the token is verified as a JWT-bearer
 * assertion is, but may be exchanged more than once; the exchanged token is for its `sub`, with
 * its issuer as `idp`, under a grant opened for it, which revokes what was exchanged from it.
 */
describe('token exchange (RFC 8693) of a trusted external issuer’s JWT', () => {
  let idp: FakeExternalIssuer;
  let ci: FakeExternalIssuer;
  let untrusted: FakeExternalIssuer;
  let gone: FakeExternalIssuer;
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    [idp, ci, untrusted, gone] = await Promise.all([
      FakeExternalIssuer.start('/idp'),
      FakeExternalIssuer.start('/ci'),
      FakeExternalIssuer.start('/untrusted'),
      FakeExternalIssuer.start('/gone'),
    ]);
    // Trusted and listed by the client, but no longer answering: its keys cannot be had.
    await gone.close();
    sut = await startStandaloneServer(
      {},
      {
        document: {
          trusted_issuers: [
            { issuer: idp.issuer, max_token_lifetime_seconds: 3600 },
            { issuer: ci.issuer },
            { issuer: gone.issuer },
          ],
        },
        extraClients: [
          {
            client_id: EXCHANGER.clientId,
            client_secret: EXCHANGER.secret,
            grant_types: ['client_credentials', TOKEN_EXCHANGE],
            scope: 'ledger:read',
            resources: [RESOURCES.ledger.identifier],
            token_exchange: {
              audiences: [RESOURCES.ledger.identifier],
              delegation: true,
              impersonation: true,
              // The CI issuer is trusted, but not for this client's subject tokens.
              subject_issuers: [idp.issuer, gone.issuer],
            },
          },
          {
            client_id: OTHER_EXCHANGER.clientId,
            client_secret: OTHER_EXCHANGER.secret,
            grant_types: ['client_credentials', TOKEN_EXCHANGE],
            scope: 'ledger:read',
            resources: [RESOURCES.ledger.identifier],
            token_exchange: {
              audiences: [RESOURCES.ledger.identifier],
              delegation: true,
              impersonation: true,
              subject_issuers: [idp.issuer],
            },
          },
        ],
      },
    );
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(async () => {
    await sut?.close();
    await Promise.all([idp?.close(), ci?.close(), untrusted?.close()]);
  });

  const userToken = (over: Record<string, unknown> = {}, issuer = idp) =>
    issuer.sign({ sub: 'alice@corp.example', aud: sut.url, jti: randomUUID(), ...over });
  const exchange = (
    subject: string,
    form: Record<string, string> = {},
    target: string | null = RESOURCES.ledger.identifier,
  ) =>
    oauth.token(
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: subject,
        subject_token_type: JWT,
        ...(target === null ? {} : { resource: target }),
        ...form,
      },
      exchanger,
    );
  const ok = (res: HttpResponse) => {
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.status).toBe(200);
    return res.body as Record<string, string | number>;
  };
  const refused = (res: HttpResponse, error = 'invalid_request') => {
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.error).toBe(error);
    expect(res.status).toBe(400);
  };
  const introspect = async (token: string) =>
    (await oauth.introspect({ token }, introspector)).body as Record<string, unknown>;
  const admin = (method: string, path: string) =>
    send(`${sut.url}${path}`, {
      method,
      headers: { authorization: basicAuthorization(CLIENTS.admin.clientId, CLIENTS.admin.secret) },
    });

  it('impersonates: a token for its sub, its issuer as idp, under a grant opened for it (grant.created, v6)', async () => {
    const jti = randomUUID();
    const subject = await userToken({ jti, auth_time: 1_700_000_000 });
    const { result, events } = await eventsDuring(sut, () => exchange(subject));
    const body = ok(result);
    expect(body).toMatchObject({
      issued_token_type: AT,
      token_type: 'Bearer',
      scope: 'ledger:read',
    });
    expect(body.refresh_token).toBeUndefined();
    const seen = await introspect(body.access_token as string);
    expect(seen).toMatchObject({
      active: true,
      sub: 'alice@corp.example',
      idp: idp.issuer,
      client_id: EXCHANGER.clientId,
      aud: RESOURCES.ledger.identifier,
      scope: 'ledger:read',
      auth_time: 1_700_000_000,
    });
    expect(seen.act).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['grant.created', 'token.issued']);
    const grantId = ofType(events, 'grant.created')[0]!.data.grant_id;
    expect(grantId).toMatch(/^xg_/);
    expect(ofType(events, 'grant.created')[0]!.data).toMatchObject({
      sub: 'alice@corp.example',
      client_id: EXCHANGER.clientId,
      scopes: ['ledger:read'],
    });
    expect(ofType(events, 'token.issued')[0]!.data).toMatchObject({
      grant_type: TOKEN_EXCHANGE,
      grant_id: grantId,
      sub: 'alice@corp.example',
      idp: idp.issuer,
      federated_issuer: idp.issuer,
      federated_subject: 'alice@corp.example',
      exchange_kind: 'impersonation',
      subject_jti: jti,
      subject_client_id: idp.issuer,
      subject_token_digest: expect.any(String),
    });
    expectNoEventContains(events, subject);
  });

  it('delegates: the actor (its own access token, one of ours) in act', async () => {
    const actor = await oauth.accessToken(exchanger);
    const body = ok(
      await exchange(await userToken(), { actor_token: actor, actor_token_type: AT }),
    );
    expect(await introspect(body.access_token as string)).toMatchObject({
      active: true,
      sub: 'alice@corp.example',
      idp: idp.issuer,
      act: { sub: EXCHANGER.clientId },
    });
  });

  it('exchanges the same token again (no single use), under the same grant, never beyond its exp', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const subject = await userToken({ exp });
    const first = await eventsDuring(sut, () => exchange(subject));
    const second = await eventsDuring(sut, () => exchange(subject));
    const grantOf = (e: typeof first.events) => ofType(e, 'token.issued')[0]!.data.grant_id;
    expect(grantOf(second.events)).toBe(grantOf(first.events));
    // The grant is opened once, by the first exchange.
    expect(ofType(first.events, 'grant.created')).toHaveLength(1);
    expect(ofType(second.events, 'grant.created')).toHaveLength(0);
    for (const r of [first.result, second.result]) {
      expect(ok(r).expires_in).toBeLessThanOrEqual(60);
      expect((await introspect(r.body.access_token as string)).exp).toBeLessThanOrEqual(exp);
    }
  });

  it('names a token without jti by its digest', async () => {
    const subject = await userToken({ jti: undefined });
    const digest = createHash('sha256').update(subject).digest('base64url');
    const { result, events } = await eventsDuring(sut, () => exchange(subject));
    ok(result);
    expect(ofType(events, 'token.issued')[0]!.data).toMatchObject({
      subject_jti: digest,
      subject_token_digest: digest,
    });
  });

  it('revokes what was exchanged when the grant opened for the token is revoked, and refuses the token then', async () => {
    const sub = `carol-${randomUUID()}`;
    const subject = await userToken({ sub });
    const { result, events } = await eventsDuring(sut, () => exchange(subject));
    const token = ok(result).access_token as string;
    const grantId = ofType(events, 'grant.created')[0]!.data.grant_id;
    const listed = await admin('GET', `/admin/subjects/${encodeURIComponent(sub)}/grants`);
    expect(listed.body.grants).toMatchObject([
      { grant_id: grantId, client_id: EXCHANGER.clientId },
    ]);
    expect((await introspect(token)).active).toBe(true);
    expect((await admin('DELETE', `/admin/grants/${grantId}`)).status).toBe(204);
    expect(await introspect(token)).toEqual({ active: false });
    // The token itself is refused from then on, whichever client presents it.
    refused(await exchange(subject));
    const other = await oauth.token(
      {
        grant_type: TOKEN_EXCHANGE,
        subject_token: subject,
        subject_token_type: JWT,
        resource: RESOURCES.ledger.identifier,
      },
      clientAuth.basic(OTHER_EXCHANGER),
    );
    refused(other);
    const after = await admin('GET', `/admin/subjects/${encodeURIComponent(sub)}/grants`);
    expect(after.body.grants).toEqual([]);
  });

  describe('refuses with invalid_request (RFC 8693 §2.2.2)', () => {
    it('a trusted issuer the client does not list in subject_issuers', async () => {
      refused(await exchange(await userToken({}, ci)));
    });

    it('an issuer that is not trusted', async () => {
      refused(await exchange(await userToken({}, untrusted)));
      expect(untrusted.requests('/.well-known/openid-configuration')).toBe(0);
    });

    it('an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      refused(await exchange(await userToken({ iat: now - 600, exp: now - 60 })));
    });

    it('a token for another audience', async () => {
      refused(await exchange(await userToken({ aud: 'https://elsewhere.example' })));
    });

    it('a forged or unsigned token', async () => {
      refused(await exchange(idp.unsecured({ sub: 'alice', aud: sut.url })));
      const forger = await FakeExternalIssuer.start('/idp');
      try {
        refused(
          await exchange(
            await forger.sign({ iss: idp.issuer, sub: 'alice', aud: sut.url }, { kid: idp.kid }),
          ),
        );
      } finally {
        await forger.close();
      }
    });

    it('a token of an issuer that cannot be reached, never a 500', async () => {
      refused(await exchange(await userToken({}, gone)));
    });

    it('an external token as the actor_token', async () => {
      refused(
        await exchange(await userToken(), {
          actor_token: await userToken(),
          actor_token_type: JWT,
        }),
      );
    });
  });

  it('needs a target: the token has no audience of ours (invalid_target)', async () => {
    refused(await exchange(await userToken(), {}, null), 'invalid_target');
  });
});
