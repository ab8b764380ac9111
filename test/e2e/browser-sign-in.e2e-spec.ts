import type { Browser, BrowserContext, Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { USERS } from '../fixtures/test-registry';
import { describeWithChromium, launchChromium } from '../support/browser';
import { clientAuth, send } from '../support/oauth-http';
import { OAuthClient } from '../support/oauth-client';
import { pkcePair, randomValue } from '../support/pkce';
import { RpCallbackServer, startRpCallbackServer } from '../support/rp-callback-server';
import { authorizationRequestUrl } from '../support/sign-in-driver';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/**
 * A person signs in with a real browser: headless Chromium (Debian's package) types into the
 * reference login app's form and clicks, then clicks "allow" on the consent page; the browser
 * lands on a relying party's redirect URI (a small server that records what arrives), whose
 * code the test redeems over HTTP. A browser enforces what an HTTP client does not: the pages'
 * Content-Security-Policy (form-action on redirects, the form_post script's nonce), SameSite
 * cookies and the redirects' methods.
 */
jest.setTimeout(30_000);

describeWithChromium('sign-in in headless Chromium', (executablePath) => {
  const rp = { clientId: 'browser-rp', secret: 'browser-rp-secret-0123456789abcdef' };
  let callback: RpCallbackServer;
  let sut: StandaloneServer;
  let browser: Browser;

  beforeAll(async () => {
    callback = await startRpCallbackServer();
    sut = await startStandaloneServer(
      {},
      {
        extraClients: [
          {
            client_id: rp.clientId,
            client_secret: rp.secret,
            token_endpoint_auth_method: 'client_secret_basic',
            grant_types: ['authorization_code'],
            redirect_uris: [callback.redirectUri],
            scope: 'openid profile email',
          },
        ],
      },
    );
    browser = await launchChromium(executablePath);
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
    await callback?.close();
  });

  function authorizationRequest(params: Record<string, string> = {}) {
    const secrets = { pkce: pkcePair(), state: randomValue(), nonce: randomValue() };
    const url = authorizationRequestUrl(
      {
        authorizationEndpoint: sut.config.endpoints.authorization,
        clientId: rp.clientId,
        redirectUri: callback.redirectUri,
        scope: 'openid email',
        params,
      },
      secrets,
    );
    return { url, ...secrets };
  }

  /**
   * A fresh browser context (its own cookies) and page; the page's navigations, console
   * messages (CSP violations land there) and failed requests are appended to a failure.
   */
  function inBrowser(body: (page: Page, context: BrowserContext) => Promise<void>) {
    return async () => {
      const context = await browser.newContext();
      // Shorter than the test's timeout, so that a wait that fails says what the browser saw.
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      const seen: string[] = [];
      page.on('framenavigated', (f) => f === page.mainFrame() && seen.push(`navigated ${f.url()}`));
      page.on('console', (m) => seen.push(`console ${m.type()}: ${m.text()}`));
      page.on('requestfailed', (r) => seen.push(`failed ${r.url()}: ${r.failure()?.errorText}`));
      try {
        await body(page, context);
      } catch (e) {
        if (e instanceof Error) e.message += `\nThe browser saw:\n  ${seen.join('\n  ')}`;
        throw e;
      } finally {
        await context.close();
      }
    };
  }

  async function logIn(page: Page, user: { username: string; password: string }, remember = false) {
    const form = page.locator('form[method="post" i]', {
      has: page.locator('input[name="password"]'),
    });
    await form.locator('input[name="username"]').fill(user.username);
    await form.locator('input[name="password"][type="password"]').fill(user.password);
    if (remember) await form.locator('input[name="remember"]').check();
    // README "The form contract": the login button is `action=login` (the other cancels).
    await form.locator('button[name="action"][value="login"]').click();
  }

  const consentPath = () => new URL(sut.config.signIn.consentUrl).pathname;

  async function allow(page: Page) {
    await page.locator('button[name="decision"][value="allow"]').click();
  }

  /** A consent the user remembered earlier is not asked again: the browser goes straight on. */
  async function allowIfAsked(page: Page) {
    await page.waitForURL(
      (u) => u.pathname === consentPath() || u.href.startsWith(callback.redirectUri),
    );
    if (new URL(page.url()).pathname === consentPath()) await allow(page);
  }

  async function redeem(code: string, verifier: string) {
    const client = new OAuthClient(sut.config.endpoints);
    return client.token(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: callback.redirectUri,
        code_verifier: verifier,
      },
      clientAuth.basic({ clientId: rp.clientId, secret: rp.secret }),
    );
  }

  it(
    'types the password, clicks through consent, and the code redeems for tokens',
    inBrowser(async (page, context) => {
      // prompt=consent: the consent page is shown even if alice consented in an earlier test.
      const request = authorizationRequest({ prompt: 'consent' });
      await page.goto(request.url);
      expect(new URL(page.url()).pathname).toBe(new URL(sut.config.signIn.loginUrl).pathname);
      await logIn(page, USERS.alice);
      await page.waitForURL((u) => u.pathname === consentPath());
      await allow(page);

      const hit = await callback.next();
      expect(hit.method).toBe('GET');
      expect(hit.params.get('state')).toBe(request.state);
      expect(hit.params.get('iss')).toBe(sut.url);
      await page.waitForURL((u) => u.href.startsWith(callback.redirectUri));

      // The browser holds the session cookie, HttpOnly: no script on any page could read it.
      const cookies = await context.cookies(sut.url);
      expect(cookies.find((c) => c.name === 'session')).toMatchObject({
        httpOnly: true,
        sameSite: 'Lax',
      });

      const tokens = await redeem(hit.params.get('code')!, request.pkce.verifier);
      expect(tokens.status).toBe(200);
      expect(decodeJwt(tokens.body.id_token)).toMatchObject({
        aud: rp.clientId,
        nonce: request.nonce,
        iss: sut.url,
      });
      const userinfo = await send(sut.config.endpoints.userinfo, {
        headers: { authorization: `Bearer ${tokens.body.access_token}` },
      });
      expect(userinfo.body).toMatchObject({ email: USERS.alice.email });
    }),
  );

  it(
    'runs the form_post answer under its Content-Security-Policy and posts the code back',
    inBrowser(async (page) => {
      const request = authorizationRequest({ response_mode: 'form_post' });
      await page.goto(request.url);
      await logIn(page, USERS.bob);
      await allowIfAsked(page);

      const hit = await callback.next();
      expect(hit.method).toBe('POST');
      expect(hit.params.get('state')).toBe(request.state);
      expect(hit.params.get('iss')).toBe(sut.url);
      const tokens = await redeem(hit.params.get('code')!, request.pkce.verifier);
      expect(tokens.status).toBe(200);
    }),
  );

  it(
    'a returning browser skips the login page: its session signs it in',
    inBrowser(async (page) => {
      await page.goto(authorizationRequest().url);
      await logIn(page, USERS.alice, true);
      await allowIfAsked(page);
      await callback.next();

      const again = authorizationRequest();
      await page.goto(again.url);
      // The login form is never shown: the session cookie answers for alice.
      expect(new URL(page.url()).pathname).not.toBe(new URL(sut.config.signIn.loginUrl).pathname);
      expect(await page.locator('input[name="password"]').count()).toBe(0);
      await allowIfAsked(page);
      const hit = await callback.next();
      expect(hit.params.get('state')).toBe(again.state);
      expect((await redeem(hit.params.get('code')!, again.pkce.verifier)).status).toBe(200);
    }),
  );
});
