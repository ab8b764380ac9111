import { IdTokenFormat, KeyRing } from '@app/tokens';
import { CLIENTS, RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { eventsDuring, ofType } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth } from '../support/oauth-http';
import { ChallengeAnswerer } from '../support/sign-in-flow';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';
import { pkcePair, TestBrowser } from '../support/test-browser';

const web = SIGN_IN_CLIENTS.web;

/** GET|POST /oauth2/logout (OpenID RP-Initiated Logout 1.0). */
describe('logout endpoint', () => {
  let sut: StandaloneServer;
  let answers: ChallengeAnswerer;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    answers = new ChallengeAnswerer(sut);
    // The server makes its RSA keys at boot: slow on a busy machine.
  }, 30_000);
  afterAll(() => sut?.close());

  const authorizeUrl = (over: Record<string, string> = {}) =>
    `${sut.config.endpoints.authorization}?${new URLSearchParams({
      client_id: web.clientId,
      redirect_uri: web.redirectUri,
      response_type: 'code',
      scope: 'openid',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      ...over,
    })}`;

  /** A browser signed in as alice, and the sid of its session. */
  const signedIn = async () => {
    const browser = new TestBrowser();
    const { events } = await eventsDuring(sut, async () =>
      answers.signIn(browser, await browser.get(authorizeUrl()), 'alice', ['openid']),
    );
    return { browser, sid: ofType(events, 'session.started')[0]!.data.sid };
  };

  const idToken = (sid?: string, clientId: string = web.clientId, format?: IdTokenFormat) =>
    (format ?? sut.app.get<IdTokenFormat>(IdTokenFormat)).mint(
      { sub: 'alice', clientId, authTime: Math.floor(Date.now() / 1000), sid },
      { ttlSeconds: 300 },
    ).token;

  const logout = (browser: TestBrowser, params: Record<string, string>) =>
    browser.get(`${sut.config.endpoints.endSession}?${new URLSearchParams(params)}`);

  const stillSignedIn = async (browser: TestBrowser) =>
    (await browser.get(authorizeUrl({ prompt: 'none' }))).location!.includes('login_challenge=');

  it('ends the session and redirects to the registered URI with state', async () => {
    const { browser, sid } = await signedIn();
    const { result: res, events } = await eventsDuring(sut, () =>
      logout(browser, {
        id_token_hint: idToken(sid),
        post_logout_redirect_uri: web.postLogoutRedirectUri,
        state: 'bye',
      }),
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${web.postLogoutRedirectUri}?state=bye`);
    expect(res.setCookies).toContain('session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    expect(ofType(events, 'session.ended').map((e) => e.data)).toEqual([
      { sid, sub: 'alice', reason: 'logout', client_id: web.clientId },
    ]);
    expect(await stillSignedIn(browser)).toBe(false);
  });

  it('shows a signed-out page without a redirect URI, by POST too', async () => {
    const { browser } = await signedIn();
    const res = await browser.post(sut.config.endpoints.endSession, {});
    expect(res.status).toBe(200);
    expect(res.text).toContain('signed out');
    expect(await stillSignedIn(browser)).toBe(false);
  });

  it('accepts an expired ID token as a hint (RP-Initiated Logout §2)', async () => {
    const { browser, sid } = await signedIn();
    const now = Date.now();
    const spy = jest.spyOn(Date, 'now').mockReturnValue(now - 3600_000);
    const expired = idToken(sid);
    spy.mockRestore();
    const res = await logout(browser, {
      id_token_hint: expired,
      post_logout_redirect_uri: web.postLogoutRedirectUri,
    });
    expect(res.location).toBe(web.postLogoutRedirectUri);
  });

  it('asks before signing out when no id_token_hint says the client asked (logout CSRF)', async () => {
    const { browser } = await signedIn();
    const { result: page, events } = await eventsDuring(sut, () =>
      logout(browser, {
        client_id: web.clientId,
        post_logout_redirect_uri: web.postLogoutRedirectUri,
        state: 's<1>',
      }),
    );
    expect(page.status).toBe(200);
    expect(events).toEqual([]);
    expect(await stillSignedIn(browser)).toBe(true);
    expect(page.text).toContain(`<form method="post" action="${sut.config.endpoints.endSession}">`);
    expect(page.text).toContain('name="state" value="s&lt;1&gt;"');
    expect(page.headers.get('content-security-policy')).toContain(`form-action ${sut.url}`);

    // The user's click posts the form back.
    const res = await browser.post(sut.config.endpoints.endSession, {
      client_id: web.clientId,
      post_logout_redirect_uri: web.postLogoutRedirectUri,
      state: 's<1>',
    });
    expect(res.location).toBe(`${web.postLogoutRedirectUri}?state=s%3C1%3E`);
    expect(await stillSignedIn(browser)).toBe(false);
  });

  it('needs no confirmation without a session', async () => {
    const res = await logout(new TestBrowser(), {
      client_id: web.clientId,
      post_logout_redirect_uri: web.postLogoutRedirectUri,
    });
    expect(res.location).toBe(web.postLogoutRedirectUri);
  });

  describe('refuses, ending nothing and redirecting nowhere', () => {
    const cases: [string, (sid: string) => Promise<Record<string, string>>][] = [
      [
        'an unregistered post_logout_redirect_uri',
        async (sid) => ({
          id_token_hint: idToken(sid),
          post_logout_redirect_uri: 'https://evil.example/',
        }),
      ],
      [
        'a prefix of the registered one',
        async (sid) => ({
          id_token_hint: idToken(sid),
          post_logout_redirect_uri: `${web.postLogoutRedirectUri}evil`,
        }),
      ],
      [
        'a redirect URI with no client to check it against',
        async () => ({ post_logout_redirect_uri: web.postLogoutRedirectUri }),
      ],
      [
        'a redirect URI registered by another client than the hint names',
        async (sid) => ({
          id_token_hint: idToken(sid, CLIENTS.basic.clientId),
          post_logout_redirect_uri: web.postLogoutRedirectUri,
        }),
      ],
      [
        'a client_id that is not the hint audience',
        async (sid) => ({ id_token_hint: idToken(sid), client_id: CLIENTS.basic.clientId }),
      ],
      [
        'a hint signed by another key',
        async (sid) => ({
          id_token_hint: idToken(
            sid,
            web.clientId,
            new IdTokenFormat(await KeyRing.generate(['RS256']), sut.url),
          ),
        }),
      ],
      [
        'an access token as the hint',
        async () => ({
          id_token_hint: await new OAuthClient(sut.config.endpoints).accessToken(
            clientAuth.basic(CLIENTS.basic),
            { resource: RESOURCES.orders.identifier },
          ),
        }),
      ],
    ];

    it.each(cases)('%s', async (_case, make) => {
      const { browser, sid } = await signedIn();
      const params = await make(sid);
      const { result: res, events } = await eventsDuring(sut, () => logout(browser, params));
      expect(res.status).toBe(400);
      expect(res.location).toBeUndefined();
      expect(res.text).not.toContain('evil.example');
      expect(events).toEqual([]);
      expect(await stillSignedIn(browser)).toBe(true);
    });
  });

  it('leaves this browser signed in when the hint names another session', async () => {
    const { browser } = await signedIn();
    const res = await logout(browser, { id_token_hint: idToken('another-sid') });
    expect(res.status).toBe(200);
    expect(await stillSignedIn(browser)).toBe(true);
    expect(res.setCookies).toEqual([]);
  });
});
