import { LOGIN_CONSENT_PATHS } from '@app/oauth';
import { AUTHORIZATION_CODE_STORE, AuthorizationCodeStore } from '@app/store';
import { tokenDigest } from '@app/tokens';
import { RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { basicAuthorization } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';
import { pkcePair, queryOf, TestBrowser } from '../support/test-browser';

const web = SIGN_IN_CLIENTS.web;
const PROVIDER = basicAuthorization(
  SIGN_IN_CLIENTS.loginProvider.clientId,
  SIGN_IN_CLIENTS.loginProvider.secret,
);

/**
 * The authorization endpoint with the real login/consent API between its steps, called over
 * HTTP as a company's own login app would: the whole front channel, end to end.
 */
describe('authorization endpoint with the login/consent API', () => {
  let sut: StandaloneServer;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    // The server makes its RSA keys at boot: slow on a busy machine.
  }, 30_000);
  afterAll(() => sut?.close());

  /** A call of the login app to the API. */
  const api = async (
    method: 'GET' | 'PUT',
    path: keyof typeof LOGIN_CONSENT_PATHS,
    kind: 'login' | 'consent',
    challenge: string,
    body?: unknown,
  ) => {
    const url = `${sut.url}${LOGIN_CONSENT_PATHS[path]}?${kind}_challenge=${challenge}`;
    const res = await fetch(url, {
      method,
      headers: { authorization: PROVIDER, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  const authorizeUrl = (challenge: string, over: Record<string, string> = {}) =>
    `${sut.config.endpoints.authorization}?${new URLSearchParams({
      client_id: web.clientId,
      redirect_uri: web.redirectUri,
      response_type: 'code',
      scope: 'openid email orders:read',
      resource: RESOURCES.orders.identifier,
      state: 'via-api',
      nonce: 'n-api',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...over,
    })}`;

  const challengeOf = (location: string | undefined, kind: 'login' | 'consent') =>
    queryOf(location)[`${kind}_challenge`]!;

  it('signs in through the API, then offers the next login as skippable and consent as remembered', async () => {
    const browser = new TestBrowser();
    const pkce = pkcePair();
    const start = await browser.get(authorizeUrl(pkce.challenge));
    const login = challengeOf(start.location, 'login');

    const loginView = await api('GET', 'loginRequest', 'login', login);
    expect(loginView).toMatchObject({
      challenge: login,
      client: { client_id: web.clientId },
      requested_scope: ['openid', 'email', 'orders:read'],
      requested_resource: [RESOURCES.orders.identifier],
      skip: false,
    });
    const accepted = await api('PUT', 'acceptLogin', 'login', login, {
      subject: 'alice',
      amr: ['pwd'],
      remember: true,
      remember_for: 3600,
    });
    const consentRedirect = await browser.get(accepted.redirect_to as string);
    const consent = challengeOf(consentRedirect.location, 'consent');

    const consentView = await api('GET', 'consentRequest', 'consent', consent);
    expect(consentView).toMatchObject({ subject: 'alice', skip: false, amr: ['pwd'] });
    const granted = await api('PUT', 'acceptConsent', 'consent', consent, {
      grant_scope: ['openid', 'email', 'orders:read'],
      remember: true,
      session: { id_token: { email: 'alice@test.example' } },
    });
    const callback = await browser.get(granted.redirect_to as string);
    const q = queryOf(callback.location);
    expect(q).toEqual({ code: expect.any(String), state: 'via-api', iss: sut.url });
    const redeemed = await sut.app
      .get<AuthorizationCodeStore>(AUTHORIZATION_CODE_STORE)
      .redeem(tokenDigest(q.code!));
    expect(redeemed).toMatchObject({
      outcome: 'redeemed',
      code: {
        subject: 'alice',
        nonce: 'n-api',
        codeChallenge: pkce.challenge,
        resources: [RESOURCES.orders.identifier],
      },
    });

    // A second authorization in the same browser: login skippable, consent remembered.
    const again = await browser.get(authorizeUrl(pkcePair().challenge));
    const second = challengeOf(again.location, 'login');
    expect(await api('GET', 'loginRequest', 'login', second)).toMatchObject({
      skip: true,
      subject: 'alice',
    });
    const skipped = await api('PUT', 'acceptLogin', 'login', second, { subject: 'alice' });
    const consent2 = challengeOf(
      (await browser.get(skipped.redirect_to as string)).location,
      'consent',
    );
    expect(await api('GET', 'consentRequest', 'consent', consent2)).toMatchObject({ skip: true });
  });

  it('refuses the API redirect_to in another browser', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(authorizeUrl(pkcePair().challenge));
    const login = challengeOf(start.location, 'login');
    const accepted = await api('PUT', 'acceptLogin', 'login', login, { subject: 'alice' });
    const elsewhere = await new TestBrowser().get(accepted.redirect_to as string);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.location).toBeUndefined();
  });

  it('sends a login the app rejects to the client as access_denied', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(authorizeUrl(pkcePair().challenge));
    const login = challengeOf(start.location, 'login');
    const rejected = await api('PUT', 'rejectLogin', 'login', login, {});
    const res = await browser.get(rejected.redirect_to as string);
    expect(queryOf(res.location)).toMatchObject({
      error: 'access_denied',
      state: 'via-api',
      iss: sut.url,
    });
  });
});
