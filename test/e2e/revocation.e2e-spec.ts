import { decodeJwt } from 'jose';
import { randomBytes } from 'node:crypto';
import { CLIENTS, PUBLIC_CLIENT_ID, RESOURCES } from '../fixtures/test-registry';
import { clientAssertion } from '../support/client-assertion';
import { withPayloadCharFlipped } from '../support/forged-tokens';
import {
  eventsDuring,
  expectCloudEvent,
  expectNoEventContains,
  tokenDigest,
} from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth } from '../support/oauth-http';
import { publicClientToken } from '../support/public-client-token';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** POST /oauth2/revoke (RFC 7009). */
describe('revocation endpoint', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  const owner = clientAuth.basic(CLIENTS.basic);
  const introspector = clientAuth.basic(CLIENTS.introspector);

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  const issue = (resource: { identifier: string }, auth: ClientAuth = owner) =>
    oauth.accessToken(auth, { resource: resource.identifier });

  const isActive = async (token: string): Promise<boolean> =>
    (await oauth.introspect({ token }, introspector)).body.active;

  /** Revokes and returns the response together with the events it caused. */
  const revoke = (token: string, auth: ClientAuth, extra: Record<string, string> = {}) =>
    eventsDuring(sut, () => oauth.revoke({ token, ...extra }, auth));

  describe('caller authentication', () => {
    it.each([
      ['no authentication', () => clientAuth.none],
      [
        'a wrong secret',
        () => clientAuth.basic({ ...CLIENTS.basic, secret: 'not-the-secret-0123456789' }),
      ],
      [
        'an unknown client',
        () => clientAuth.post({ clientId: 'svc-unknown', secret: 'unknown-secret-0123456789' }),
      ],
    ])('is required: %s is 401 invalid_client, and the token stays active', async (_case, auth) => {
      const token = await issue(RESOURCES.orders);
      const { result: res, events } = await revoke(token, auth());
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expect(events).toEqual([]);
      expect(await isActive(token)).toBe(true);
    });
  });

  describe('by the client the token was issued to', () => {
    it('revokes a JWT: 200, inactive at once, and one token.revoked event', async () => {
      const token = await issue(RESOURCES.orders);
      const { jti, exp } = decodeJwt(token);
      const { result: res, events } = await revoke(token, owner);
      expect(res.status).toBe(200);
      expect(await isActive(token)).toBe(false);

      expect(events).toHaveLength(1);
      expectCloudEvent(events[0], 'token.revoked');
      expect(events[0]).toMatchObject({
        subject: jti,
        data: { jti, client_id: CLIENTS.basic.clientId, revoked_by: CLIENTS.basic.clientId, exp },
      });
      expectNoEventContains(sut.events(), token);
    });

    it('revokes an opaque token: inactive at once; the event carries its digest, never the token', async () => {
      const token = await issue(RESOURCES.ledger);
      const { result: res, events } = await revoke(token, owner);
      expect(res.status).toBe(200);
      expect(await isActive(token)).toBe(false);

      expect(events).toHaveLength(1);
      expectCloudEvent(events[0], 'token.revoked');
      expect(events[0]!.data).toMatchObject({
        client_id: CLIENTS.basic.clientId,
        token_digest: tokenDigest(token),
      });
      expectNoEventContains(sut.events(), token);
    });

    it('revokes only that token, not its siblings', async () => {
      const [revoked, sibling] = await Promise.all([
        issue(RESOURCES.orders),
        issue(RESOURCES.orders),
      ]);
      expect((await oauth.revoke({ token: revoked }, owner)).status).toBe(200);
      expect(await isActive(revoked)).toBe(false);
      expect(await isActive(sibling)).toBe(true);
    });

    it('revokes whatever the token_type_hint says (RFC 7009 §2.1)', async () => {
      const token = await issue(RESOURCES.orders);
      const res = await oauth.revoke({ token, token_type_hint: 'refresh_token' }, owner);
      expect(res.status).toBe(200);
      expect(await isActive(token)).toBe(false);
    });

    it.each([
      [
        'client_secret_post',
        async () => clientAuth.post(CLIENTS.post),
        async () => clientAuth.post(CLIENTS.post),
      ],
      [
        'private_key_jwt (aud = revocation endpoint)',
        async () => clientAuth.privateKeyJwt(await jwtClientAssertion(sut.config.endpoints.token)),
        async () =>
          clientAuth.privateKeyJwt(await jwtClientAssertion(sut.config.endpoints.revocation)),
      ],
    ])('authenticating with %s', async (_method, issuingAuth, revokingAuth) => {
      const token = await issue(RESOURCES.orders, await issuingAuth());
      const res = await oauth.revoke({ token }, await revokingAuth());
      expect(res.status).toBe(200);
      expect(await isActive(token)).toBe(false);
    });
  });

  const jwtClientAssertion = (audience: string) =>
    clientAssertion({
      clientId: sut.jwtClient.clientId,
      key: sut.jwtClient.privateKey,
      kid: sut.jwtClient.kid,
      audience,
    });

  // RFC 7009 §2.1: a public client revokes its own tokens with its client_id alone.
  describe('by a public client (token_endpoint_auth_method none)', () => {
    const publicClient = clientAuth.publicClient(PUBLIC_CLIENT_ID);

    it('revokes its own token with client_id alone: 200, inactive at once, one event', async () => {
      const token = await publicClientToken(sut);
      expect(await isActive(token)).toBe(true);
      const { result: res, events } = await revoke(token, publicClient);
      expect(res.status).toBe(200);
      expect(await isActive(token)).toBe(false);
      expect(events).toHaveLength(1);
      expectCloudEvent(events[0], 'token.revoked');
      expect(events[0]!.data).toMatchObject({
        client_id: PUBLIC_CLIENT_ID,
        revoked_by: PUBLIC_CLIENT_ID,
      });
    });

    it("answers 200 but leaves another client's token active, and emits nothing", async () => {
      const token = await issue(RESOURCES.orders);
      const { result: res, events } = await revoke(token, publicClient);
      expect(res.status).toBe(200);
      expect(events).toEqual([]);
      expect(await isActive(token)).toBe(true);
    });

    it("a confidential client's id alone revokes nothing: 401 invalid_client", async () => {
      const token = await issue(RESOURCES.orders);
      const { result: res, events } = await revoke(
        token,
        clientAuth.publicClient(CLIENTS.basic.clientId),
      );
      expect([res.status, res.body.error]).toEqual([401, 'invalid_client']);
      expect(events).toEqual([]);
      expect(await isActive(token)).toBe(true);
    });
  });

  describe('by another client', () => {
    it.each([
      ['JWT', RESOURCES.orders],
      ['opaque', RESOURCES.ledger],
    ])('answers 200 but leaves the %s token active, and emits nothing', async (_f, resource) => {
      const token = await issue(resource);
      const { result: res, events } = await revoke(token, clientAuth.basic(CLIENTS.hashed));
      expect(res.status).toBe(200);
      expect(events).toEqual([]);
      expect(await isActive(token)).toBe(true);
    });

    it('answers the same as for the owner, so ownership cannot be probed', async () => {
      const token = await issue(RESOURCES.orders);
      const refused = await oauth.revoke({ token }, introspector);
      const accepted = await oauth.revoke({ token }, owner);
      expect(refused.status).toBe(accepted.status);
      expect(refused.text).toBe(accepted.text);
    });
  });

  describe('tokens that are not live (RFC 7009 §2.2: 200, so callers cannot probe)', () => {
    it.each([
      ['an unknown opaque token', async () => `at_${randomBytes(32).toString('base64url')}`],
      ['garbage', async () => 'not-a-token'],
      ['a tampered JWT', async () => withPayloadCharFlipped(await issue(RESOURCES.orders))],
    ])('%s: 200 and no event', async (_case, token) => {
      const value = await token();
      const { result: res, events } = await revoke(value, owner);
      expect(res.status).toBe(200);
      expect(events).toEqual([]);
    });
  });

  it('refuses a request without token: 400 invalid_request', async () => {
    const res = await oauth.revoke({ token_type_hint: 'access_token' }, owner);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });
});
