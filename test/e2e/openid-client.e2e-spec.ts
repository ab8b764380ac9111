import { BaseClient, errors, Issuer } from 'openid-client';
import { decodeJwt } from 'jose';
import { CLIENTS, PUBLIC_CLIENT_ID, RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { publicClientToken } from '../support/public-client-token';
import { seedSignIn } from '../support/sign-in-seed';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** The server as a stock, certified client library sees it: openid-client v5. */
describe('openid-client v5 against the standalone server', () => {
  let sut: StandaloneServer;
  let issuer: Issuer<BaseClient>;
  let client: BaseClient;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    issuer = await Issuer.discover(sut.url);
    client = new issuer.Client({
      client_id: CLIENTS.basic.clientId,
      client_secret: CLIENTS.basic.secret,
      token_endpoint_auth_method: 'client_secret_basic',
    });
  });
  afterAll(() => sut?.close());

  it('discovers the issuer and its endpoints', () => {
    expect(issuer.metadata).toMatchObject({
      issuer: sut.url,
      token_endpoint: sut.config.endpoints.token,
      jwks_uri: sut.config.endpoints.jwks,
      introspection_endpoint: sut.config.endpoints.introspection,
      revocation_endpoint: sut.config.endpoints.revocation,
    });
  });

  it('gets a token with client_credentials, introspects it, revokes it, and sees it inactive', async () => {
    const tokens = await client.grant({
      grant_type: 'client_credentials',
      resource: RESOURCES.orders.identifier,
    });
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.expires_in).toBe(RESOURCES.orders.ttl);
    const accessToken = tokens.access_token!;
    expect(decodeJwt(accessToken).aud).toBe(RESOURCES.orders.identifier);

    await expect(client.introspect(accessToken)).resolves.toMatchObject({
      active: true,
      client_id: CLIENTS.basic.clientId,
      aud: RESOURCES.orders.identifier,
      scope: 'orders:read orders:write',
    });

    await client.revoke(accessToken);

    await expect(client.introspect(accessToken)).resolves.toStrictEqual({ active: false });
  });

  it('surfaces an RFC 6749 error the library understands', async () => {
    const wrong = new issuer.Client({
      client_id: CLIENTS.basic.clientId,
      client_secret: 'not-the-secret-0123456789',
    });
    const failure = wrong.grant({ grant_type: 'client_credentials' });
    await expect(failure).rejects.toBeInstanceOf(errors.OPError);
    await expect(failure).rejects.toMatchObject({ error: 'invalid_client' });
  });

  // The challenge without Basic carries an auth-param naming the methods: the library must
  // still read the error from the body.
  it('surfaces invalid_client for a form-authenticated client despite the methods challenge', async () => {
    const wrong = new issuer.Client({
      client_id: CLIENTS.post.clientId,
      client_secret: 'not-the-secret-0123456789',
      token_endpoint_auth_method: 'client_secret_post',
    });
    const failure = wrong.grant({ grant_type: 'client_credentials' });
    await expect(failure).rejects.toBeInstanceOf(errors.OPError);
    await expect(failure).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('discovers the OpenID Provider: authorization, userinfo and end-session endpoints', () => {
    expect(issuer.metadata).toMatchObject({
      authorization_endpoint: sut.config.endpoints.authorization,
      userinfo_endpoint: sut.config.endpoints.userinfo,
      end_session_endpoint: sut.config.endpoints.endSession,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  // The code comes from the store (as the authorization endpoint leaves it); the redemption, the
  // ID token checks (signature via the JWKS, iss, aud, nonce, at_hash, auth_time) and /userinfo
  // are the library's own.
  it('redeems a code at the callback, validates the ID token and reads /userinfo', async () => {
    const rp = new issuer.Client({
      client_id: SIGN_IN_CLIENTS.web.clientId,
      client_secret: SIGN_IN_CLIENTS.web.secret,
      redirect_uris: [SIGN_IN_CLIENTS.web.redirectUri],
      response_types: ['code'],
    });
    const seeded = await seedSignIn(sut, {
      clientId: SIGN_IN_CLIENTS.web.clientId,
      redirectUri: SIGN_IN_CLIENTS.web.redirectUri,
    });
    const tokens = await rp.callback(
      SIGN_IN_CLIENTS.web.redirectUri,
      { code: seeded.code, state: 'st-1', iss: sut.url },
      {
        state: 'st-1',
        nonce: seeded.record.nonce,
        code_verifier: seeded.verifier,
        response_type: 'code',
        max_age: 300,
      },
    );
    expect(tokens.claims()).toMatchObject({
      sub: 'user-alice',
      nonce: seeded.record.nonce,
      sid: seeded.record.sid,
    });
    await expect(rp.userinfo(tokens)).resolves.toMatchObject({
      sub: 'user-alice',
      email: 'alice@test.example',
    });
  });

  // The library sends client_id alone for token_endpoint_auth_method none (RFC 6749 §3.2.1).
  describe('a public client (token_endpoint_auth_method none)', () => {
    let app: BaseClient;
    beforeAll(() => {
      app = new issuer.Client({ client_id: PUBLIC_CLIENT_ID, token_endpoint_auth_method: 'none' });
    });

    it('revokes its own token (RFC 7009 §2.1)', async () => {
      const token = await publicClientToken(sut);
      const api = new issuer.Client({
        client_id: CLIENTS.ordersApi.clientId,
        client_secret: CLIENTS.ordersApi.secret,
      });
      await expect(api.introspect(token)).resolves.toMatchObject({ active: true });
      await app.revoke(token);
      await expect(api.introspect(token)).resolves.toStrictEqual({ active: false });
    });

    it.each([
      [
        'gets no client_credentials token',
        () => app.grant({ grant_type: 'client_credentials' }),
        'unauthorized_client',
      ],
      ['may not introspect', () => app.introspect('any-token'), 'invalid_client'],
    ])('%s', async (_, call, error) => {
      await expect(call()).rejects.toMatchObject({ error });
    });
  });
});
