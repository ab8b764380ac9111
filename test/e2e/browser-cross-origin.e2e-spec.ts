import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../support/browser';
import { RpCallbackServer, startRpCallbackServer } from '../support/rp-callback-server';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/**
 * A browser-based app calling the authorization server from its own origin, in headless
 * Chromium: the browser, not the test, enforces the CORS protocol (preflights, reading answers,
 * exposed headers), so these specs show what a single-page app really can and cannot do.
 */
jest.setTimeout(30_000);

/** What a script's fetch saw: the status and chosen headers, or the network error CORS gives. */
interface Seen {
  readonly status?: number;
  readonly body?: string;
  readonly wwwAuthenticate?: string | null;
  readonly failed?: string;
}

describeWithChromium('cross-origin calls from a browser app, in headless Chromium', (path) => {
  const spa = { clientId: 'browser-spa' };
  let spaOrigin: RpCallbackServer;
  let otherOrigin: RpCallbackServer;
  let sut: StandaloneServer;
  let browser: Browser;

  beforeAll(async () => {
    spaOrigin = await startRpCallbackServer();
    otherOrigin = await startRpCallbackServer();
    sut = await startStandaloneServer(
      {},
      {
        extraClients: [
          {
            client_id: spa.clientId,
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code'],
            redirect_uris: [spaOrigin.redirectUri],
            scope: 'openid',
          },
          {
            client_id: 'browser-confidential',
            client_secret: 'browser-confidential-secret-0123456789',
            token_endpoint_auth_method: 'client_secret_basic',
            grant_types: ['authorization_code'],
            redirect_uris: [otherOrigin.redirectUri],
            scope: 'openid',
          },
        ],
      },
    );
    browser = await launchChromium(path);
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await sut?.close();
    await spaOrigin?.close();
    await otherOrigin?.close();
  });

  /** A page at the origin of `site`'s redirect URI, as the app's own page would be. */
  async function pageAt(site: RpCallbackServer): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(site.redirectUri);
    await site.next();
    return page;
  }

  function fetchFrom(page: Page, url: string, init: RequestInit): Promise<Seen> {
    return page.evaluate(
      async ({ url, init }) => {
        try {
          const res = await fetch(url, init);
          return {
            status: res.status,
            body: await res.text(),
            wwwAuthenticate: res.headers.get('www-authenticate'),
          };
        } catch (e) {
          return { failed: String(e) };
        }
      },
      { url, init },
    );
  }

  const redemption = (clientId: string) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: 'not-a-code',
      redirect_uri: spaOrigin.redirectUri,
      code_verifier: 'v'.repeat(43),
      client_id: clientId,
    }).toString(),
  });

  it('lets the app read the token endpoint answer (an error here)', async () => {
    const page = await pageAt(spaOrigin);
    const seen = await fetchFrom(page, sut.config.endpoints.token, redemption(spa.clientId));
    expect(seen.failed).toBeUndefined();
    expect(seen.status).toBe(400);
    expect(JSON.parse(seen.body!)).toMatchObject({ error: 'invalid_grant' });
    await page.close();
  });

  it('passes the preflight of a request with Authorization and exposes WWW-Authenticate', async () => {
    const page = await pageAt(spaOrigin);
    const seen = await fetchFrom(page, sut.config.endpoints.userinfo, {
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(seen.failed).toBeUndefined();
    expect(seen.status).toBe(401);
    expect(seen.wwwAuthenticate).toMatch(/^Bearer .*error="invalid_token"/);
    await page.close();
  });

  it('keeps the answers from a script on a confidential client origin', async () => {
    const page = await pageAt(otherOrigin);
    const seen = await fetchFrom(page, sut.config.endpoints.token, redemption(spa.clientId));
    expect(seen.failed).toMatch(/TypeError/);
    await page.close();
  });

  it('keeps introspection closed to browsers, even from the app origin', async () => {
    const page = await pageAt(spaOrigin);
    const seen = await fetchFrom(page, sut.config.endpoints.introspection, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=x',
    });
    expect(seen.failed).toMatch(/TypeError/);
    await page.close();
  });

  it('lets any page read the metadata and the key set', async () => {
    const page = await pageAt(otherOrigin);
    for (const url of [`${sut.url}/.well-known/openid-configuration`, sut.config.endpoints.jwks]) {
      const seen = await fetchFrom(page, url, {});
      expect(seen.failed).toBeUndefined();
      expect(seen.status).toBe(200);
    }
    await page.close();
  });
});
