import { decodeJwt } from 'jose';
import { SIGN_IN_CLIENTS, USERS } from '../fixtures/test-registry';
import { CookieJar } from '../support/cookie-jar';
import { formSubmission, parseForms } from '../support/html-form';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth } from '../support/oauth-http';
import { pkcePair, randomValue } from '../support/pkce';
import {
  authorizationRequestUrl,
  browserRequest,
  redemptionForm,
  signIn,
} from '../support/sign-in-driver';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/**
 * Attacks on the whole sign-in, each played by two browsers (two cookie jars) against the real
 * authorization endpoint, the reference login app and the token endpoint together: what no
 * single piece's spec can show. RFC 9700 §4.4.1.8 (CSRF on the login form), §4.7 (session
 * fixation), §4.5 (a code or an interaction step replayed from another browser).
 */
describe('sign-in attacks across the whole flow', () => {
  const web = SIGN_IN_CLIENTS.web;
  const auth = clientAuth.basic({ clientId: web.clientId, secret: web.secret });
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
  });
  afterAll(() => sut?.close());

  const request = (scope = 'openid email') => ({
    authorizationEndpoint: sut.config.endpoints.authorization,
    clientId: web.clientId,
    redirectUri: web.redirectUri,
    scope,
  });

  /** Starts a flow in `jar` and returns the login page it lands on (URL and its form). */
  async function loginPage(jar: CookieJar) {
    const secrets = { pkce: pkcePair(), state: randomValue(), nonce: randomValue() };
    let url = new URL(authorizationRequestUrl(request(), secrets));
    for (let hop = 0; hop < 5; hop++) {
      const res = await browserRequest(jar, { method: 'GET', url });
      if (res.status === 200) {
        const form = parseForms(await res.text(), url).find((f) =>
          f.inputs.some((i) => i.name === 'password'),
        );
        if (!form) throw new Error(`no login form at ${url.href}`);
        return { url, form };
      }
      url = new URL(res.headers.get('location')!, url);
    }
    throw new Error('no login page');
  }

  /** Submits the login form with a user's password; returns the login app's answer. */
  async function submitLogin(
    jar: CookieJar,
    page: Awaited<ReturnType<typeof loginPage>>,
    user: { username: string; password: string },
  ) {
    const body = formSubmission(page.form, user);
    return browserRequest(jar, { method: 'POST', url: page.form.action, body, from: page.url });
  }

  it('refuses a login form posted by another browser (login CSRF): the victim is not signed in as the attacker', async () => {
    const attacker = new CookieJar();
    const page = await loginPage(attacker);
    const victim = new CookieJar();
    // The victim's browser posts the attacker's form, hidden inputs and all, with the attacker's
    // credentials: what a hostile page can make it do. It lacks the attacker's cookies.
    const forged = await submitLogin(victim, page, USERS.bob);
    expect(forged.status).toBe(403);
    expect(forged.headers.get('location')).toBeNull();
    // And the attacker's own browser still can: the token was good, only the browser was wrong.
    const genuine = await submitLogin(attacker, page, USERS.bob);
    expect(genuine.status).toBe(303);
  });

  it('does not continue a login in a browser that did not start it (stolen login_verifier)', async () => {
    const owner = new CookieJar();
    const page = await loginPage(owner);
    const answered = await submitLogin(owner, page, USERS.alice);
    expect(answered.status).toBe(303);
    const back = new URL(answered.headers.get('location')!, page.url);
    expect(back.searchParams.get('login_verifier')).toEqual(expect.any(String));

    // Another browser (no per-flow binding cookie) follows the redirect the owner received.
    const thief = await browserRequest(new CookieJar(), { method: 'GET', url: back });
    expect(thief.status).toBe(400);
    expect(thief.headers.get('location')).toBeNull();
  });

  it('gives a new session cookie at login: a planted one never becomes the victim session', async () => {
    // The attacker signs in as bob and plants its own session cookie in the victim's browser.
    const attacker = new CookieJar();
    await signIn({ ...request(), user: USERS.bob, remember: true, jar: attacker });
    const sessionCookie = attacker.all().find((c) => c.name === 'session');
    expect(sessionCookie).toBeDefined();
    const victim = new CookieJar();
    victim.store(new URL(sut.url), `session=${sessionCookie!.value}; Path=/; HttpOnly`);

    // The victim signs in as alice: the login form is shown (prompt=login) and the cookie rotates.
    const flow = await signIn({
      ...request(),
      user: USERS.alice,
      remember: true,
      jar: victim,
      params: { prompt: 'login' },
    });
    expect(flow.pagesShown[0]).toBe('login');
    const after = victim.all().find((c) => c.name === 'session');
    expect(after).toBeDefined();
    expect(after!.value).not.toBe(sessionCookie!.value);

    const victimTokens = await oauth.token(redemptionForm(flow, web.redirectUri), auth);
    const alice = decodeJwt(victimTokens.body.id_token).sub;

    // The planted value signs nobody in as alice: at most as bob, the attacker's own session.
    const planted = new CookieJar();
    planted.store(new URL(sut.url), `session=${sessionCookie!.value}; Path=/; HttpOnly`);
    const probe = await signIn({ ...request(), jar: planted, params: { prompt: 'none' } });
    if (probe.code) {
      const tokens = await oauth.token(redemptionForm(probe, web.redirectUri), auth);
      expect(decodeJwt(tokens.body.id_token).sub).not.toBe(alice);
    } else {
      expect(probe.callback.get('error')).toMatch(/^(login_required|consent_required)$/);
    }
  });

  it('binds the code to the browser flow that asked for it: its verifier, not the attacker', async () => {
    const flow = await signIn({ ...request(), user: USERS.alice });
    // An attacker who intercepted the code but not the verifier (RFC 7636 §1).
    const stolen = { ...redemptionForm(flow, web.redirectUri), code_verifier: pkcePair().verifier };
    const refused = await oauth.token(stolen, auth);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
  });
});
