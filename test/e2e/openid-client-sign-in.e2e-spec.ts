import { BaseClient, errors, generators, Issuer } from 'openid-client';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { RESOURCES, SIGN_IN_CLIENTS, USERS } from '../fixtures/test-registry';
import { CookieJar } from '../support/cookie-jar';
import { followSignIn, FlowResult } from '../support/sign-in-driver';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/**
 * A user signs in to a relying party built on a stock, certified library (openid-client v5):
 * discovery, an authorization URL with PKCE, nonce and state, the login app's forms driven over
 * HTTP, the callback with the library's own checks (state, RFC 9207 `iss`), the ID token
 * validated by the library against the JWKS, then /userinfo.
 */
describe('sign-in with openid-client v5 as the relying party', () => {
  const web = SIGN_IN_CLIENTS.web;
  let sut: StandaloneServer;
  let issuer: Issuer<BaseClient>;
  let client: BaseClient;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    issuer = await Issuer.discover(sut.url);
    client = new issuer.Client({
      client_id: web.clientId,
      client_secret: web.secret,
      redirect_uris: [web.redirectUri],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
  });
  afterAll(() => sut?.close());

  /** What the relying party keeps in its own session between redirect and callback. */
  function rpRequest(extra: Record<string, string> = {}) {
    const codeVerifier = generators.codeVerifier();
    const checks = {
      code_verifier: codeVerifier,
      state: generators.state(),
      nonce: generators.nonce(),
    };
    const url = client.authorizationUrl({
      scope: 'openid profile email',
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
      ...extra,
    });
    return { url, checks: { ...checks, response_type: 'code' } };
  }

  const asCallbackUrl = (flow: FlowResult) => `${web.redirectUri}?${flow.callback.toString()}`;

  it('discovers the OpenID Provider: code flow only, S256 only, iss in responses', () => {
    expect(issuer.metadata).toMatchObject({
      issuer: sut.url,
      authorization_endpoint: sut.config.endpoints.authorization,
      token_endpoint: sut.config.endpoints.token,
      userinfo_endpoint: sut.config.endpoints.userinfo,
      jwks_uri: sut.config.endpoints.jwks,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('signs alice in: the library accepts the callback and the ID token, /userinfo agrees', async () => {
    const { url, checks } = rpRequest();
    const flow = await followSignIn(url, { redirectUri: web.redirectUri, user: USERS.alice });
    expect(flow.pagesShown).toEqual(['login', 'consent']);
    expect(flow.callback.get('iss')).toBe(sut.url);

    const params = client.callbackParams(asCallbackUrl(flow));
    const tokens = await client.callback(web.redirectUri, params, checks);

    // openid-client has checked iss, aud, azp, exp, iat, nonce, at_hash and the signature.
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: sut.url, aud: web.clientId, nonce: checks.nonce });
    expect(claims.sub).toEqual(expect.any(String));
    expect(claims.auth_time).toEqual(expect.any(Number));
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.refresh_token).toBeUndefined();

    const userinfo = await client.userinfo(tokens.access_token!);
    expect(userinfo).toMatchObject({ sub: claims.sub, email: USERS.alice.email });
  });

  it('gets an access token for the resource named in the request, beside the ID token', async () => {
    const { url, checks } = rpRequest({
      scope: 'openid orders:read',
      resource: RESOURCES.orders.identifier,
    });
    const flow = await followSignIn(url, { redirectUri: web.redirectUri, user: USERS.bob });
    const params = client.callbackParams(asCallbackUrl(flow));
    const tokens = await client.callback(web.redirectUri, params, checks);
    const idToken = tokens.claims();
    expect(decodeJwt(tokens.access_token!)).toMatchObject({
      aud: RESOURCES.orders.identifier,
      sub: idToken.sub,
      client_id: web.clientId,
      scope: expect.stringContaining('orders:read'),
      grant_id: expect.any(String),
    });
  });

  it('answers with form_post when asked (the library reads the posted parameters)', async () => {
    const { url, checks } = rpRequest({ response_mode: 'form_post' });
    const flow = await followSignIn(url, { redirectUri: web.redirectUri, user: USERS.alice });
    expect(flow.responseMode).toBe('form_post');
    const params = Object.fromEntries(flow.callback);
    const tokens = await client.callback(web.redirectUri, params, checks);
    expect(tokens.claims().nonce).toBe(checks.nonce);
  });

  it('signs in again within the browser session without the login page (single sign-on)', async () => {
    const jar = new CookieJar();
    const first = rpRequest();
    const remembered = { redirectUri: web.redirectUri, user: USERS.alice, remember: true, jar };
    await followSignIn(first.url, remembered);

    // No user given: the driver fails if the login form is shown again.
    const again = rpRequest();
    const flow = await followSignIn(again.url, { redirectUri: web.redirectUri, jar });
    expect(flow.pagesShown).not.toContain('login');
    const params = client.callbackParams(asCallbackUrl(flow));
    const tokens = await client.callback(web.redirectUri, params, again.checks);
    expect(tokens.claims().nonce).toBe(again.checks.nonce);
  });

  it('refuses a callback whose iss is another issuer (mix-up, RFC 9207 §2.4)', async () => {
    const { url, checks } = rpRequest();
    const flow = await followSignIn(url, { redirectUri: web.redirectUri, user: USERS.alice });
    const params = client.callbackParams(asCallbackUrl(flow));
    const forged = { ...params, iss: 'https://attacker.example' };
    await expect(client.callback(web.redirectUri, forged, checks)).rejects.toBeInstanceOf(
      errors.RPError,
    );
  });

  it('surfaces access_denied to the library when the user denies consent', async () => {
    // prompt=consent: a consent remembered by an earlier test may not answer for the user.
    const { url, checks } = rpRequest({ prompt: 'consent' });
    const flow = await followSignIn(url, {
      redirectUri: web.redirectUri,
      user: USERS.alice,
      consent: 'deny',
    });
    expect(flow.pagesShown).toEqual(['login', 'consent']);
    expect(flow.callback.get('iss')).toBe(sut.url);
    const failure = client.callback(
      web.redirectUri,
      client.callbackParams(asCallbackUrl(flow)),
      checks,
    );
    await expect(failure).rejects.toBeInstanceOf(errors.OPError);
    await expect(failure).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('cannot redeem a code twice: the second redemption is invalid_grant', async () => {
    const { url, checks } = rpRequest();
    const flow = await followSignIn(url, { redirectUri: web.redirectUri, user: USERS.alice });
    const params = client.callbackParams(asCallbackUrl(flow));
    await client.callback(web.redirectUri, params, checks);
    await expect(client.callback(web.redirectUri, params, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
