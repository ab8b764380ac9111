import { generateKeyPairSync } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  CLIENTS,
  EXCHANGE_CLIENTS,
  RESOURCES,
  TOKEN_EXCHANGE,
  USERS,
} from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth } from '../support/oauth-http';
import { describeWithChromium, launchChromium } from '../support/browser';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/**
 * The playground (issue 16) in headless Chromium, driven only by clicks: the authorization code
 * flow through the real login and consent pages, the API's 200, refresh with rotation, the
 * replayed refresh token revoking the grant (the API's 401), a second sign-in and its
 * revocation, a token exchange (RFC 8693) and a chain of two, revoked with their subject token;
 * what the page shows is asserted (decoded claims, verified signature, live
 * events), and the main screens are saved to docs/playground/ for the README.
 */
jest.setTimeout(90_000);

const SHOTS = 'docs/playground';
const PLAYGROUND_CLIENT = 'playground';
/** As in config/dev.json: private_key_jwt, its jwks_uri the keys the playground pages made. */
const KEY_CLIENT = 'playground-service';
/** As in config/dev.json: the same keys, a token_exchange policy into the ledger, delegation. */
const EXCHANGE_CLIENT = 'playground-exchange';
/** "Use your own client" with a key: registered with the public halves of two keys of ours. */
const OWN_KEY_CLIENT = 'svc-own-key';
const ownEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ownEd = generateKeyPairSync('ed25519');
const ownEcPrivateJwk = { ...ownEc.privateKey.export({ format: 'jwk' }), kid: 'own-ec' };
const ownEdPem = ownEd.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The JSON of a compact JWS's header and claims. */
const jwsParts = (jws: string) =>
  jws
    .split('.')
    .slice(0, 2)
    .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);

describeWithChromium('the playground in headless Chromium', (executablePath) => {
  let sut: StandaloneServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const seen: string[] = [];
  /** Every request the page made: headers and body, to prove no private key ever left it. */
  const sent: string[] = [];

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    sut = await startStandaloneServer(
      { PLAYGROUND: 'true' },
      {
        // As in config/dev.json: a public client whose redirect URI is the playground itself.
        extraClients: (url) => [
          {
            client_id: PLAYGROUND_CLIENT,
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code', 'refresh_token'],
            redirect_uris: [`${url}/playground`],
            scope: 'openid profile offline_access orders:read',
            resources: [RESOURCES.orders.identifier],
          },
          {
            client_id: KEY_CLIENT,
            token_endpoint_auth_method: 'private_key_jwt',
            jwks_uri: `${url}/playground/api/jwks`,
            grant_types: ['client_credentials'],
            scope: 'orders:read',
            resources: [RESOURCES.orders.identifier],
          },
          {
            client_id: EXCHANGE_CLIENT,
            token_endpoint_auth_method: 'private_key_jwt',
            jwks_uri: `${url}/playground/api/jwks`,
            grant_types: ['client_credentials', TOKEN_EXCHANGE],
            introspects: [RESOURCES.orders.identifier],
            scope: 'ledger:read',
            resources: [RESOURCES.ledger.identifier],
            token_exchange: {
              audiences: [RESOURCES.ledger.identifier],
              delegation: true,
              impersonation: false,
            },
          },
          {
            client_id: OWN_KEY_CLIENT,
            token_endpoint_auth_method: 'private_key_jwt',
            jwks: {
              keys: [
                { ...ownEc.publicKey.export({ format: 'jwk' }), kid: 'own-ec', alg: 'ES256' },
                { ...ownEd.publicKey.export({ format: 'jwk' }), kid: 'own-ed', alg: 'EdDSA' },
              ],
            },
            grant_types: ['client_credentials'],
            scope: 'orders:read',
            resources: [RESOURCES.orders.identifier],
          },
        ],
      },
    );
    browser = await launchChromium(executablePath);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('console', (m) => seen.push(`console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
    page.on('response', (r) => r.status() >= 400 && seen.push(`${r.status()} ${r.url()}`));
    page.on('request', (r) => sent.push(`${JSON.stringify(r.headers())}\n${r.postData() ?? ''}`));
  }, 30_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await sut?.close();
  });

  /** Appends what the browser said (CSP violations, script errors) to a failure. */
  async function withBrowserLog(body: () => Promise<void>) {
    try {
      await body();
    } catch (e) {
      if (e instanceof Error) e.message += `\nThe browser saw:\n  ${seen.join('\n  ')}`;
      throw e;
    }
  }

  const newest = (title: string): Locator => page.locator(`li.step[data-step^="${title}"]`).last();

  /**
   * Saves docs/playground/<name>.png with the Requests pane at the top of the window and the
   * newest step named `title` at the top of the pane (it scrolls on its own), the tokens and
   * events beside and below (the tokens pane scrolled to the `token` box, when named).
   */
  async function shoot(name: string, title: string, token?: string): Promise<void> {
    await page.evaluate(`(() => {
      const steps = document.querySelectorAll(${JSON.stringify(`li.step[data-step^="${title}"]`)});
      const step = steps[steps.length - 1];
      const list = step.parentElement;
      list.scrollTop += step.getBoundingClientRect().top - list.getBoundingClientRect().top;
      const token = document.querySelector(${JSON.stringify(`[data-token="${token}"]`)});
      const tokens = document.getElementById('token-list');
      if (token) tokens.scrollTop += token.getBoundingClientRect().top - tokens.getBoundingClientRect().top;
      document.getElementById('steps').scrollIntoView();
    })()`);
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: false });
  }

  /** Clicks the step's send button and waits for its status line. */
  async function send(title: string): Promise<{ status: string; response: string }> {
    const step = newest(title);
    await step.locator('button.send').click();
    await step.locator('p.status').filter({ hasText: /\d{3}/ }).waitFor();
    return {
      status: (await step.locator('p.status').textContent()) ?? '',
      response: (await step.locator('pre.response').textContent()) ?? '',
    };
  }

  async function signIn(): Promise<void> {
    const redeems = page.locator('li.step[data-step^="Token request"]');
    const before = await redeems.count();
    await page.locator('#flow-code').click();
    const authorize = newest('Authorization request');
    await expect(authorize.locator('pre.request').textContent()).resolves.toMatch(
      /^GET \/oauth2\/authorize\?response_type=code&client_id=playground&.*code_challenge_method=S256/,
    );
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      authorize.locator('button.send').click(),
    ]);
    const closed = popup.waitForEvent('close', { timeout: 10_000 });
    // A remembered sign-in and consent land back (and close the window) without a page to fill.
    await popup.waitForLoadState().catch(() => undefined);
    if (!popup.isClosed() && (await popup.locator('input[name="password"]').count())) {
      await popup.locator('input[name="username"]').fill(USERS.alice.username);
      await popup.locator('input[name="password"]').fill(USERS.alice.password);
      await popup.locator('button[name="action"][value="login"]').click();
    }
    if (!popup.isClosed())
      await Promise.race([
        popup
          .locator('button[name="decision"][value="allow"]')
          .click()
          .catch(() => undefined),
        closed,
      ]);
    await closed;
    await redeems.nth(before).waitFor();
  }

  it('serves the page under a strict Content-Security-Policy, nothing cached', async () => {
    const res = await fetch(`${sut.url}/playground`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('walks the code flow, calls the API, refreshes, and a replayed refresh token revokes the grant', () =>
    withBrowserLog(async () => {
      await page.goto(`${sut.url}/playground`);
      await page.locator('#events-status', { hasText: 'Connected' }).waitFor();
      await expect(page.locator('#public-client').textContent()).resolves.toContain(
        PLAYGROUND_CLIENT,
      );

      await signIn();
      const redeem = newest('Token request');
      // The request is shown before it is sent, its code and verifier masked until revealed.
      const masked = (await redeem.locator('pre.request').textContent()) ?? '';
      expect(masked).toMatch(/^POST \/oauth2\/token HTTP\/1\.1/);
      expect(masked).toContain('code_verifier=••••••');
      await page.locator('#reveal').check();
      expect(await redeem.locator('pre.request').textContent()).toMatch(
        /code_verifier=[A-Za-z0-9_-]{43}/,
      );
      await page.locator('#reveal').uncheck();
      await shoot('authorization-code', 'Token request');
      expect((await send('Token request')).status).toMatch(/^200/);

      // The access token decoded, each claim explained, its signature verified in the page.
      const access = page.locator('[data-token="access token"]');
      await access.locator('.verdict', { hasText: /signature valid, key \S+/ }).waitFor();
      await expect(access.locator('[data-claim="client_id"] td code').textContent()).resolves.toBe(
        `"${PLAYGROUND_CLIENT}"`,
      );
      await expect(access.locator('[data-claim="aud"] td code').textContent()).resolves.toBe(
        `"${RESOURCES.orders.identifier}"`,
      );
      await expect(access.locator('[data-claim="jti"] .hint').textContent()).resolves.toContain(
        'revocation',
      );
      await access.locator('.countdown', { hasText: /expires in \d+m/ }).waitFor();
      await page.locator('[data-token="ID token"] [data-claim="nonce"]').waitFor();

      // The grant's events, streamed live to this page only.
      await page.locator('#event-list [data-type="grant.created"]').waitFor();
      await page.locator('#event-list [data-type="token.issued"]').first().waitFor();
      await shoot('tokens-and-events', 'Token request');

      await page.locator('#flow-api').click();
      const ok = await send('Call the orders API');
      expect(ok.status).toMatch(/^200/);
      expect(ok.response).toContain('coffee beans');

      await page.locator('#flow-refresh').click();
      expect((await send('Refresh')).status).toMatch(/^200/);
      await page.locator('#flow-replay').click();
      const replay = await send('Replay the old refresh token');
      expect(replay.status).toMatch(/^400/);
      expect(replay.response).toContain('invalid_grant');
      await page.locator('#event-list [data-type="grant.revoked"]').waitFor();

      await page.locator('#flow-api').click();
      const refused = await send('Call the orders API');
      expect(refused.status).toMatch(/^401/);
      expect(refused.response).toContain('www-authenticate: Bearer');
      await shoot('reuse-detection', 'Call the orders API');
    }));

  it('signs in again, revokes the refresh token, and the API answers 401 at once', () =>
    withBrowserLog(async () => {
      const revokedBefore = await page.locator('#event-list [data-type="grant.revoked"]').count();
      await signIn();
      expect((await send('Token request')).status).toMatch(/^200/);
      await page.locator('#flow-api').click();
      expect((await send('Call the orders API')).status).toMatch(/^200/);

      await page.locator('#flow-revoke').click();
      expect((await send('Revoke the refresh token')).status).toMatch(/^200/);
      // RFC 7009 §2.1: revoking the refresh token revokes its grant, live in the pane.
      await page.locator('#event-list [data-type="grant.revoked"]').nth(revokedBefore).waitFor();
      await page.locator('#flow-api').click();
      expect((await send('Call the orders API')).status).toMatch(/^401/);
    }));

  it('binds the tokens to a DPoP key made in the browser, and refreshes with proofs of it', () =>
    withBrowserLog(async () => {
      await page.locator('#dpop').check();
      await signIn();
      const redeem = newest('Token request');
      // RFC 9449 §4: the proof is shown with the request, before it is sent.
      await expect(redeem.locator('pre.request').textContent()).resolves.toMatch(
        /^DPoP: eyJ[\w-]+\.[\w-]+\.[\w-]+$/m,
      );
      const tokens = await send('Token request');
      expect(tokens.status).toMatch(/^200/);
      expect(tokens.response).toContain('"token_type": "DPoP"');
      const jkt = await page.locator('#dpop-key').textContent();
      expect(jkt).toMatch(/^[\w-]{43}$/);
      await expect(
        page.locator('[data-token="access token"] [data-claim="cnf"] td code').textContent(),
      ).resolves.toBe(JSON.stringify({ jkt }));

      // A public client's refresh token is bound too: the refresh carries a proof of the key.
      await page.locator('#flow-refresh').click();
      expect((await send('Refresh')).status).toMatch(/^200/);
      const access = page.locator('[data-token="access token"]');
      await expect(access.locator('.binding').textContent()).resolves.toContain(
        `cnf.jkt ${jkt}, the thumbprint of this page's DPoP key`,
      );

      // RFC 9449 §7.1: the API call carries the DPoP scheme and a proof of the key, with ath.
      await page.locator('#flow-api').click();
      const call = newest('Call the orders API');
      const shown = (await call.locator('pre.request').textContent()) ?? '';
      expect(shown).toMatch(/^Authorization: DPoP ••••••$/m);
      const proof = /^DPoP: (\S+)$/m.exec(shown)![1]!;
      const [header, claims] = jwsParts(proof);
      expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC' } });
      expect(header!.jwk).not.toHaveProperty('d');
      expect(claims).toMatchObject({ htm: 'GET', htu: `${sut.url}/playground/api/orders` });
      expect(claims!.ath).toMatch(/^[\w-]{43}$/);
      const ok = await send('Call the orders API');
      expect(ok.status).toMatch(/^200/);
      expect(ok.response).toContain(`"jkt": "${jkt}"`);
      await shoot('dpop', 'Call the orders API');

      // §7.2: the same token without its proof, as a thief who copied only the token sends it.
      await page.locator('#flow-api-bearer').click();
      const stolen = await send('Call the orders API without the proof');
      expect(stolen.status).toMatch(/^401/);
      expect(stolen.response).toContain('invalid_token');

      await page.locator('#flow-revoke-access').click();
      expect((await send('Revoke the access token')).status).toMatch(/^200/);
      await page.locator('#flow-api').click();
      const revoked = await send('Call the orders API');
      expect(revoked.status).toMatch(/^401/);
      expect(revoked.response).toContain(
        'www-authenticate: Bearer realm="orders", DPoP realm="orders", error="invalid_token"',
      );
      await page.locator('#dpop').uncheck();
    }));

  it('gets client credentials with a key made in the browser, the assertion signed there and masked', () =>
    withBrowserLog(async () => {
      await page.locator('#flow-client-key').click();
      const publish = newest("Publish this page's public key");
      const body = ((await publish.locator('pre.request').textContent()) ?? '').split('\n\n')[1]!;
      // Only the public half is sent: no `d` (RFC 7518 §6.2.2.1), nothing else to steal.
      expect(Object.keys(JSON.parse(new URLSearchParams(body).get('jwk')!)).sort()).toEqual([
        'crv',
        'kty',
        'x',
        'y',
      ]);
      expect((await send("Publish this page's public key")).status).toMatch(/^201/);
      const kid = await page.locator('#key-client-kid').textContent();
      expect(kid).toMatch(/^[\w-]{43}$/);

      const step = newest(`Client credentials (as ${KEY_CLIENT})`);
      const masked = (await step.locator('pre.request').textContent()) ?? '';
      expect(masked).toContain('client_assertion=••••••');
      expect(masked).toContain(
        'client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer',
      );
      await page.locator('#reveal').check();
      const revealed = (await step.locator('pre.request').textContent()) ?? '';
      await page.locator('#reveal').uncheck();
      const assertion = new URLSearchParams(revealed.split('\n\n')[1]).get('client_assertion')!;
      const [header, claims] = jwsParts(assertion);
      // RFC 7523 §3: iss = sub = the client, aud the issuer alone, a jti, a short exp.
      expect(header).toEqual({ alg: 'ES256', kid });
      expect(claims).toMatchObject({ iss: KEY_CLIENT, sub: KEY_CLIENT, aud: sut.url });
      expect(claims!.jti).toMatch(/^[\w-]{22}$/);
      expect((claims!.exp as number) - (claims!.iat as number)).toBe(60);
      await shoot('private-key-jwt', `Client credentials (as ${KEY_CLIENT})`);

      expect((await send(`Client credentials (as ${KEY_CLIENT})`)).status).toMatch(/^200/);
      await expect(
        page.locator('[data-token="access token"] [data-claim="client_id"] td code').textContent(),
      ).resolves.toBe(`"${KEY_CLIENT}"`);
      await page.locator('#flow-api').click();
      expect((await send('Call the orders API')).status).toMatch(/^200/);
    }));

  it("uses your own private_key_jwt client's key, pasted as a JWK or a PEM and kept in the page", () =>
    withBrowserLog(async () => {
      await page.locator('#own-client-id').fill(OWN_KEY_CLIENT);
      await page.locator('#own-auth-key').check();
      await page.locator('#own-client-key').fill(JSON.stringify(ownEcPrivateJwk));
      await page.locator('#flow-client-credentials').click();
      await expect(page.locator('#own-client-key').inputValue()).resolves.toBe('');
      await expect(page.locator('#own-key-status').textContent()).resolves.toContain(
        'ES256, kid own-ec',
      );
      expect(
        await newest(`Client credentials (as ${OWN_KEY_CLIENT})`)
          .locator('pre.request')
          .textContent(),
      ).toContain('client_assertion=••••••');
      expect((await send(`Client credentials (as ${OWN_KEY_CLIENT})`)).status).toMatch(/^200/);

      await page.locator('#own-client-key').fill(ownEdPem);
      await page.locator('#own-client-kid').fill('own-ed');
      await page.locator('#flow-client-credentials').click();
      await expect(page.locator('#own-key-status').textContent()).resolves.toContain(
        'EdDSA, kid own-ed',
      );
      expect((await send(`Client credentials (as ${OWN_KEY_CLIENT})`)).status).toMatch(/^200/);
      await expect(
        page.locator('[data-token="access token"] [data-claim="client_id"] td code').textContent(),
      ).resolves.toBe(`"${OWN_KEY_CLIENT}"`);

      // Nothing of either private key was ever sent anywhere, and no private JWK at all.
      const pemBody = ownEdPem.split('\n').slice(1, -2).join('');
      for (const request of sent) {
        expect(request).not.toContain(ownEcPrivateJwk.d!);
        expect(request).not.toContain(pemBody);
        expect(decodeURIComponent(request)).not.toMatch(/"d"\s*:/);
      }
      await page.locator('#own-auth-secret').check();
      await page.locator('#own-client-id').fill('');
      await page.locator('#own-client-kid').fill('');
    }));

  it('exchanges the access token for a ledger token (RFC 8693), act decoded, revoked down the chain', () =>
    withBrowserLog(async () => {
      await signIn();
      expect((await send('Token request')).status).toMatch(/^200/);
      const subject = await page.evaluate<string>(
        `(async () => (await import('/playground/assets/state.js')).state.tokens.access_token)()`,
      );
      const subjectJti = jwsParts(subject)[1]!.jti as string;
      // Another service exchanges the same token first: its exchange shares the grant the page's
      // will have (one per subject token), yet it is not this page's and must not reach the pane.
      const elsewhere = await new OAuthClient(sut.config.endpoints).token(
        {
          grant_type: TOKEN_EXCHANGE,
          subject_token: subject,
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          resource: RESOURCES.ledger.identifier,
        },
        clientAuth.basic(EXCHANGE_CLIENTS.orders),
      );
      expect(elsewhere.status).toBe(200);

      await page.locator('#flow-exchange').click();
      // The actor proves itself with a token of its own (RFC 8693 §2.1), the assertion masked.
      const actorTitle = `Actor token (client credentials as ${EXCHANGE_CLIENT})`;
      expect(await newest(actorTitle).locator('pre.request').textContent()).toContain(
        'client_assertion=••••••',
      );
      expect((await send(actorTitle)).status).toMatch(/^200/);

      const title = `Token exchange (as ${EXCHANGE_CLIENT})`;
      const step = newest(title);
      const masked = (await step.locator('pre.request').textContent()) ?? '';
      const fields = new URLSearchParams(masked.split('\n\n')[1]);
      expect(Object.fromEntries(fields)).toMatchObject({
        grant_type: TOKEN_EXCHANGE,
        subject_token: '••••••',
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        actor_token: '••••••',
        actor_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        resource: RESOURCES.ledger.identifier,
        scope: 'ledger:read',
        client_assertion: '••••••',
      });
      await page.locator('#reveal').check();
      const revealed = (await step.locator('pre.request').textContent()) ?? '';
      await page.locator('#reveal').uncheck();
      expect(new URLSearchParams(revealed.split('\n\n')[1]).get('subject_token')).toBe(subject);
      const links = await step
        .locator('a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(links).toEqual(
        expect.arrayContaining([
          'https://www.rfc-editor.org/rfc/rfc8693#section-2.1',
          'https://www.rfc-editor.org/rfc/rfc8693#section-4.1',
        ]),
      );
      const exchanged = await send(title);
      expect(exchanged.status).toMatch(/^200/);
      expect(exchanged.response).toContain(
        '"issued_token_type": "urn:ietf:params:oauth:token-type:access_token"',
      );
      const view = page.locator('[data-token="exchanged token"]');
      await expect(view.locator('.issued-type').textContent()).resolves.toContain(
        'urn:ietf:params:oauth:token-type:access_token',
      );

      // The ledger takes opaque tokens: act is read at introspection, each level explained.
      await page.locator('#flow-introspect-exchanged').click();
      const introspectTitle = `Introspect the exchanged token (as ${EXCHANGE_CLIENT})`;
      expect((await send(introspectTitle)).status).toMatch(/^200/);
      const claim = (name: string) => view.locator(`[data-claim="${name}"] td code`).textContent();
      await expect(claim('active')).resolves.toBe('true');
      await expect(claim('act')).resolves.toBe(JSON.stringify({ sub: EXCHANGE_CLIENT }));
      await expect(claim('sub')).resolves.toBe(`"${USERS.alice.username}"`);
      await expect(claim('client_id')).resolves.toBe(`"${EXCHANGE_CLIENT}"`);
      await expect(claim('scope')).resolves.toBe('"ledger:read"');
      await expect(view.locator('[data-claim="act"] .hint').textContent()).resolves.toContain(
        'RFC 8693 §4.1',
      );
      await expect(view.locator('[data-actor="0"]').textContent()).resolves.toContain(
        `act.sub = ${EXCHANGE_CLIENT}: the party acting now`,
      );
      await shoot('token-exchange', title, 'exchanged token');

      // Exchanged again by the client it was issued to: a chain, the earlier actor nested.
      await page.locator('#flow-exchange-again').click();
      expect((await send(actorTitle)).status).toMatch(/^200/);
      const again = `Token exchange of the exchanged token (as ${EXCHANGE_CLIENT})`;
      expect((await send(again)).status).toMatch(/^200/);
      await page.locator('#flow-introspect-exchanged').click();
      expect((await send(introspectTitle)).status).toMatch(/^200/);
      await expect(claim('act')).resolves.toBe(
        JSON.stringify({ sub: EXCHANGE_CLIENT, act: { sub: EXCHANGE_CLIENT } }),
      );
      await expect(view.locator('[data-actor="1"]').textContent()).resolves.toContain(
        `act.act.sub = ${EXCHANGE_CLIENT}: acted before`,
      );

      // Both exchanges' token.issued reached the pane: the exchanging client's, not the page's.
      const issuedByExchange = async () =>
        (
          await page
            .locator('#event-list [data-type="token.issued"] pre')
            .evaluateAll((nodes) => nodes.map((n) => JSON.parse(n.textContent ?? '{}')))
        ).filter((e) => e.data.exchange_kind === 'delegation');
      await page
        .locator('#event-list [data-type="token.issued"] pre', { hasText: '"delegation"' })
        .nth(1)
        .waitFor();
      const exchanges = await issuedByExchange();
      expect(exchanges).toHaveLength(2);
      for (const e of exchanges)
        expect(e.data).toMatchObject({ client_id: EXCHANGE_CLIENT, sub: USERS.alice.username });
      expect(exchanges[0].data.subject_jti).toBe(subjectJti);

      // Revoking the subject token revokes both exchanged tokens: inactive at introspection.
      await page.locator('#flow-revoke-access').click();
      expect((await send('Revoke the access token')).status).toMatch(/^200/);
      await page
        .locator('#event-list [data-type="token.revoked"] pre', { hasText: subjectJti })
        .waitFor();
      await page.locator('#flow-introspect-exchanged').click();
      const inactive = await send(introspectTitle);
      expect(inactive.status).toMatch(/^200/);
      expect(JSON.parse(inactive.response.split('\n\n')[1]!)).toEqual({ active: false });
      await expect(claim('active')).resolves.toBe('false');
      await shoot('token-exchange-revoked', introspectTitle, 'exchanged token');
      const shown = await page.locator('#event-list pre').allTextContents();
      expect(shown.join('\n')).not.toContain(EXCHANGE_CLIENTS.orders.clientId);
    }));

  it('streams no event of another client to this page', () =>
    withBrowserLog(async () => {
      const grants = new Set(
        sut
          .events()
          .filter((e) => e.type === 'grant.created')
          .map((e) => (e.data as { grant_id: string }).grant_id),
      );
      const shown = await page
        .locator('#event-list pre')
        .evaluateAll((nodes) => nodes.map((n) => JSON.parse(n.textContent ?? '{}')));
      expect(shown.length).toBeGreaterThan(0);
      for (const event of shown) {
        const data = event.data as { grant_id?: string; client_id?: string };
        const grant = data.grant_id;
        // An exchanged token's grant is the exchange's (xg_), created by no grant.created: the
        // page's exchanges are by the playground's exchanging client only.
        if (grant?.startsWith('xg_')) expect(data.client_id).toBe(EXCHANGE_CLIENT);
        else expect(grant === undefined || grants.has(grant)).toBe(true);
      }
    }));

  /** The id (or tag and text) of the focused element, after `key` is pressed. */
  async function focusAfter(p: Page, key: string): Promise<string> {
    await p.keyboard.press(key);
    return p.evaluate<string>(
      `(() => { const e = document.activeElement; return e.id || e.tagName.toLowerCase() + ':' + (e.textContent || '').trim().slice(0, 30); })()`,
    );
  }

  it('is operated with the keyboard alone: every control in order, a flow sent with Enter', () =>
    withBrowserLog(async () => {
      const kb = await context.newPage();
      kb.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
      try {
        await kb.goto(`${sut.url}/playground`);
        await kb.locator('#events-status', { hasText: 'Connected' }).waitFor();
        // Tab from the top visits every enabled control once, in reading order (a radio group
        // is one stop: its checked radio).
        const order: string[] = [];
        for (let i = 0; i < 30; i++) {
          const id = await focusAfter(kb, 'Tab');
          if (order.includes(id) || id.startsWith('body:')) break;
          order.push(id);
        }
        expect(order).toEqual([
          'own-client-id',
          'own-auth-secret',
          'own-client-secret',
          'own-client-key',
          'own-client-kid',
          'reveal',
          'dpop',
          'flow-code',
          'flow-client-credentials',
          'flow-client-key',
          'token-list',
          'event-list',
        ]);
        const enabled = await kb.evaluate<string[]>(
          `[...document.querySelectorAll('button:not([disabled]), input:not([type=radio]), textarea, a[href], select, [tabindex="0"]')].map((e) => e.id)`,
        );
        expect(order).toEqual(expect.arrayContaining(enabled));
        // The radio group moves with the arrow keys; keyboard focus is visible (WCAG 2.4.7).
        while ((await focusAfter(kb, 'Shift+Tab')) !== 'own-auth-secret');
        await expect(
          kb.evaluate<string>(`getComputedStyle(document.activeElement).outlineStyle`),
        ).resolves.toBe('solid');
        expect(await focusAfter(kb, 'ArrowDown')).toBe('own-auth-key');
        await expect(kb.locator('#own-auth-key').isChecked()).resolves.toBe(true);
        expect(await focusAfter(kb, 'ArrowUp')).toBe('own-auth-secret');

        // Client credentials, typed and sent with the keyboard only.
        while ((await focusAfter(kb, 'Shift+Tab')) !== 'own-client-id');
        await kb.keyboard.type(CLIENTS.basic.clientId);
        await focusAfter(kb, 'Tab');
        expect(await focusAfter(kb, 'Tab')).toBe('own-client-secret');
        await kb.keyboard.type(CLIENTS.basic.secret);
        while ((await focusAfter(kb, 'Tab')) !== 'flow-client-credentials');
        await kb.keyboard.press('Enter');
        // The new step's Send button takes the focus: Enter sends it.
        const step = kb.locator(
          `li.step[data-step^="Client credentials (as ${CLIENTS.basic.clientId})"]`,
        );
        await step.waitFor();
        await expect(kb.evaluate<string>(`document.activeElement.className`)).resolves.toBe('send');
        await kb.keyboard.press('Enter');
        await step.locator('p.status', { hasText: /^200/ }).waitFor();
        // Back to "Call the API" and through it, still without a pointer.
        while ((await focusAfter(kb, 'Shift+Tab')) !== 'flow-api');
        await kb.keyboard.press('Enter');
        const call = kb.locator('li.step[data-step="Call the orders API"]');
        await call.waitFor();
        await kb.keyboard.press('Enter');
        await call.locator('p.status', { hasText: /^200/ }).waitFor();
      } finally {
        await kb.close();
      }
    }));

  /** Cumulative layout shift (Layout Instability API) while `act` runs, every shift counted. */
  async function layoutShiftDuring(p: Page, act: () => Promise<void>) {
    await p.evaluate(`(() => {
      window.__shifts = [];
      window.__shiftObserver?.disconnect();
      window.__shiftObserver = new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          window.__shifts.push({ value: e.value, sources: e.sources.map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : '?') });
      });
      window.__shiftObserver.observe({ type: 'layout-shift' });
    })()`);
    await act();
    // Two frames for the last layout, then whatever the observer has not delivered yet.
    return p.evaluate<{ total: number; sources: string[] }>(`new Promise((done) =>
      requestAnimationFrame(() => requestAnimationFrame(() => {
        const all = [...window.__shifts, ...window.__shiftObserver.takeRecords().map((e) => ({ value: e.value, sources: [] }))];
        done({ total: all.reduce((t, s) => t + s.value, 0), sources: all.flatMap((s) => s.sources) });
      })))`);
  }

  /** Well under the 0.1 that web.dev calls good: a small bound, not zero, for sub-pixel noise. */
  const MAX_SHIFT = 0.01;
  function expectSteady(measured: { total: number; sources: string[] }) {
    try {
      expect(measured.total).toBeLessThanOrEqual(MAX_SHIFT);
    } catch (e) {
      if (e instanceof Error) e.message += `\nMoved: ${measured.sources.join(', ')}`;
      throw e;
    }
  }

  it.each([
    ['on a desktop', 1280, 900],
    ['at 360 px wide', 360, 800],
  ])('shifts no layout when answers, tokens and events arrive (%s)', (_, width, height) =>
    withBrowserLog(async () => {
      const p = await context.newPage();
      try {
        await p.setViewportSize({ width, height });
        await p.goto(`${sut.url}/playground`);
        await p.locator('#events-status', { hasText: 'Connected' }).waitFor();
        await p.locator('#own-client-id').fill(CLIENTS.basic.clientId);
        await p.locator('#own-client-secret').fill(CLIENTS.basic.secret);
        await p.locator('#flow-client-credentials').click();
        const step = p.locator('li.step').last();
        await step.waitFor();
        const tokens = await layoutShiftDuring(p, async () => {
          await step.locator('button.send').click();
          await step.locator('p.status', { hasText: /^200/ }).waitFor();
          await p.locator('[data-token="access token"] .verdict', { hasText: 'valid' }).waitFor();
          await p.locator('#event-list [data-type="token.issued"]').waitFor();
        });
        expectSteady(tokens);
        await p.locator('#flow-api').click();
        const call = p.locator('li.step').last();
        const api = await layoutShiftDuring(p, async () => {
          await call.locator('button.send').click();
          await call.locator('p.status', { hasText: /^200/ }).waitFor();
        });
        expectSteady(api);

        // A status set by an answer (the key's kid) keeps its box, seen or not (to the pixel:
        // a glyph from a fallback font may add a hundredth of one).
        const boxes = `[...document.querySelectorAll('.status-value')].map((e) => e.id + ' ' + Math.round(e.getBoundingClientRect().height))`;
        const before = await p.evaluate<string[]>(boxes);
        await p.locator('#flow-client-key').click();
        const publish = p.locator('li.step[data-step^="Publish"]');
        const published = await layoutShiftDuring(p, async () => {
          await publish.locator('button.send').click();
          await p.locator('#key-client-kid', { hasText: /^[\w-]{43}$/ }).waitFor();
        });
        expectSteady(published);
        expect(await p.evaluate<string[]>(boxes)).toEqual(before);
      } finally {
        await p.close();
      }
    }),
  );

  it("retries with the server's DPoP nonce, a new proof and a new assertion (RFC 9449 §8, RFC 7523 §3)", () =>
    withBrowserLog(async () => {
      const strict = await startStandaloneServer(
        { PLAYGROUND: 'true', DPOP_NONCE_REQUIRED: 'true' },
        {
          extraClients: (url) => [
            {
              client_id: KEY_CLIENT,
              token_endpoint_auth_method: 'private_key_jwt',
              jwks_uri: `${url}/playground/api/jwks`,
              grant_types: ['client_credentials'],
              scope: 'orders:read',
              resources: [RESOURCES.orders.identifier],
            },
          ],
        },
      );
      const p = await context.newPage();
      try {
        await p.goto(`${strict.url}/playground`);
        await p.locator('#events-status', { hasText: 'Connected' }).waitFor();
        await p.locator('#dpop').check();
        await p.locator('#flow-client-key').click();
        const publish = p.locator('li.step[data-step^="Publish"]');
        await publish.locator('button.send').click();
        const title = `Client credentials (as ${KEY_CLIENT})`;
        const first = p.locator(`li.step[data-step="${title}"]`);
        await first.locator('button.send').click();
        await first.locator('p.status', { hasText: /^400/ }).waitFor();
        await expect(first.locator('pre.response').textContent()).resolves.toContain(
          'use_dpop_nonce',
        );
        const retry = p.locator(`li.step[data-step="${title} (with the server's nonce)"]`);
        await p.locator('#reveal').check();
        const assertionOf = async (step: Locator) =>
          new URLSearchParams(
            ((await step.locator('pre.request').textContent()) ?? '').split('\n\n')[1],
          ).get('client_assertion');
        const [firstAssertion, retryAssertion] = [
          await assertionOf(first),
          await assertionOf(retry),
        ];
        const proof = /^DPoP: (\S+)$/m.exec(
          (await retry.locator('pre.request').textContent())!,
        )![1]!;
        expect(jwsParts(proof)[1]!.nonce).toBeTruthy();
        expect(retryAssertion).not.toBe(firstAssertion);
        await retry.locator('button.send').click();
        await retry.locator('p.status', { hasText: /^200/ }).waitFor();

        await p.locator('#flow-api').click();
        const call = p.locator('li.step[data-step^="Call the orders API"]').last();
        await call.locator('button.send').click();
        await call.locator('p.status', { hasText: /^200/ }).waitFor();
      } finally {
        await p.close();
        await strict.close();
      }
    }));

  it('reads at 360 px wide without horizontal scrolling', () =>
    withBrowserLog(async () => {
      await page.setViewportSize({ width: 360, height: 800 });
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SHOTS}/mobile-360.png`, fullPage: false });
    }));
});
