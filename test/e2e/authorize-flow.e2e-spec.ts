import {
  AUTHORIZATION_CODE_STORE,
  AuthorizationCodeStore,
  BROWSER_SESSION_STORE,
  BrowserSessionStore,
  GRANT_STORE,
  GrantStore,
} from '@app/store';
import { tokenDigest } from '@app/tokens';
import { RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { eventsDuring, expectCloudEvent, ofType } from '../support/lifecycle-events';
import { ChallengeAnswerer } from '../support/sign-in-flow';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';
import { pkcePair, queryOf, TestBrowser } from '../support/test-browser';

const web = SIGN_IN_CLIENTS.web;
const FIRST_PARTY = {
  clientId: 'first-party-web',
  secret: 'first-party-secret-0123456789',
  redirectUri: 'https://first.test.example/cb',
};

/** The browser flow of the authorization endpoint (the brief's "The flow", steps 1–4). */
describe('authorization endpoint: the sign-in flow', () => {
  let sut: StandaloneServer;
  let answers: ChallengeAnswerer;

  beforeAll(async () => {
    sut = await startStandaloneServer(
      {},
      {
        extraClients: [
          {
            client_id: FIRST_PARTY.clientId,
            client_secret: FIRST_PARTY.secret,
            token_endpoint_auth_method: 'client_secret_basic',
            grant_types: ['authorization_code'],
            redirect_uris: [FIRST_PARTY.redirectUri],
            scope: 'openid email',
            skip_consent: true,
          },
        ],
      },
    );
    answers = new ChallengeAnswerer(sut);
    // The server makes its RSA keys at boot: slow on a busy machine.
  }, 30_000);
  afterAll(() => sut?.close());

  const authorizeUrl = (over: Record<string, string | undefined> = {}) => {
    const url = new URL(sut.config.endpoints.authorization);
    const params = {
      client_id: web.clientId,
      redirect_uri: web.redirectUri,
      response_type: 'code',
      scope: 'openid email',
      state: 'state-1',
      nonce: 'nonce-1',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      ...over,
    };
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return url.href;
  };

  const sessionCookie = (b: TestBrowser) => b.jar.get('session');

  it('sends the browser to LOGIN_URL with a challenge, a flow cookie and no-store', async () => {
    const browser = new TestBrowser();
    const res = await browser.get(authorizeUrl());
    expect(res.status).toBe(303);
    expect(res.location!.startsWith(`${sut.config.signIn.loginUrl}?login_challenge=`)).toBe(true);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const flow = res.setCookies.find((c) => c.startsWith('flow_'));
    expect(flow).toMatch(
      /^flow_[A-Za-z0-9_-]{8}=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/,
    );
  });

  it('gives a code bound to the whole sign-in, with state and iss, after login and consent', async () => {
    const browser = new TestBrowser();
    const pkce = pkcePair();
    const start = await browser.get(
      authorizeUrl({
        code_challenge: pkce.challenge,
        resource: RESOURCES.orders.identifier,
        scope: 'openid email orders:read',
      }),
    );
    const { result: res, events } = await eventsDuring(sut, () =>
      answers.signIn(browser, start, 'alice', ['openid', 'email', 'orders:read']),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const q = queryOf(res.location);
    expect(res.location!.startsWith(`${web.redirectUri}?`)).toBe(true);
    expect(q).toEqual({
      code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: 'state-1',
      iss: sut.url,
    });

    const started = ofType(events, 'session.started');
    const created = ofType(events, 'grant.created');
    expect(started).toHaveLength(1);
    expect(created).toHaveLength(1);
    expectCloudEvent(created[0], 'grant.created');
    expect(created[0]!.data).toMatchObject({
      sub: 'alice',
      client_id: web.clientId,
      scopes: ['openid', 'email', 'orders:read'],
      resources: [RESOURCES.orders.identifier],
      amr: ['pwd'],
      sid: started[0]!.data.sid,
    });
    expect(JSON.stringify(events)).not.toContain(q.code);

    const codes = sut.app.get<AuthorizationCodeStore>(AUTHORIZATION_CODE_STORE);
    const redeemed = await codes.redeem(tokenDigest(q.code!));
    expect(redeemed).toMatchObject({
      outcome: 'redeemed',
      code: {
        clientId: web.clientId,
        redirectUri: web.redirectUri,
        codeChallenge: pkce.challenge,
        codeChallengeMethod: 'S256',
        nonce: 'nonce-1',
        grantId: created[0]!.data.grant_id,
        subject: 'alice',
        sid: started[0]!.data.sid,
        idTokenClaims: { email: 'alice@test.example' },
      },
    });
    const grant = await sut.app.get<GrantStore>(GRANT_STORE).find(created[0]!.data.grant_id);
    expect(grant).toMatchObject({
      subject: 'alice',
      userinfoClaims: { email: 'alice@test.example' },
    });
    // The flow cookie is gone once the code is out.
    expect([...browser.jar.keys()]).toEqual(['session']);
  });

  it('answers form_post with an auto-submitting form under a nonce CSP', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(authorizeUrl({ response_mode: 'form_post', state: '<s>"&' }));
    const res = await answers.signIn(browser, start, 'alice', ['openid', 'email']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy')!;
    const nonce = /script-src 'nonce-([A-Za-z0-9_-]+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain('form-action http://127.0.0.1:8765');
    expect(res.text).toContain(`<form method="post" action="${web.redirectUri}">`);
    expect(res.text).toContain(`<script nonce="${nonce}">`);
    expect(res.text).toContain('name="state" value="&lt;s&gt;&quot;&amp;"');
    expect(res.text).toContain(`name="iss" value="${sut.url}"`);
    expect(res.text).toMatch(/name="code" value="[A-Za-z0-9_-]{43}"/);
  });

  describe('browser session', () => {
    it('gets a new cookie value at every login; the value before it is worth nothing (session fixation)', async () => {
      const browser = new TestBrowser();
      await answers.signIn(browser, await browser.get(authorizeUrl()), 'alice', ['openid']);
      const first = sessionCookie(browser)!;
      expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);

      // An attacker who planted or copied `first` before the next login.
      const start = await browser.get(authorizeUrl({ prompt: 'login' }));
      await answers.signIn(browser, start, 'alice', ['openid']);
      const second = sessionCookie(browser)!;
      expect(second).not.toBe(first);
      const sessions = sut.app.get<BrowserSessionStore>(BROWSER_SESSION_STORE);
      expect(await sessions.find(tokenDigest(first))).toBeNull();
      expect(await sessions.find(tokenDigest(second))).toMatchObject({ subject: 'alice' });

      const attacker = new TestBrowser();
      attacker.jar.set('session', first);
      const res = await attacker.get(authorizeUrl({ prompt: 'none' }));
      expect(queryOf(res.location)).toMatchObject({ error: 'login_required', iss: sut.url });
    });

    it('sets the session cookie HttpOnly, SameSite=Lax, without Max-Age when not remembered', async () => {
      const browser = new TestBrowser();
      const start = await browser.get(authorizeUrl());
      const login = answers.challengeOf(start, 'login');
      const res = await browser.get(await answers.acceptLogin(login, 'bob', false));
      const cookie = res.setCookies.find((c) => c.startsWith('session='));
      expect(cookie).toMatch(/^session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    });

    it('offers the next authorization as skippable login, keeping sid and auth_time', async () => {
      const browser = new TestBrowser();
      const { events } = await eventsDuring(sut, async () =>
        answers.signIn(browser, await browser.get(authorizeUrl()), 'alice', ['openid']),
      );
      const sid = ofType(events, 'session.started')[0]!.data.sid;
      const start = await browser.get(authorizeUrl());
      const id = answers.challengeOf(start, 'login');
      expect(await answers.challenge('login', id)).toMatchObject({
        skip: true,
        subject: 'alice',
        sid,
      });
      const next = await eventsDuring(sut, () =>
        answers.signIn(browser, start, 'alice', ['openid']),
      );
      expect(ofType(next.events, 'session.started')).toEqual([]);
      expect(ofType(next.events, 'grant.created')[0]!.data.sid).toBe(sid);
    });
  });

  it('refuses a challenge continued in another browser, and leaves it usable in its own', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(authorizeUrl());
    const back = await answers.acceptLogin(answers.challengeOf(start, 'login'), 'alice');

    const other = new TestBrowser();
    const refused = await other.get(back);
    expect(refused.status).toBe(400);
    expect(refused.location).toBeUndefined();
    expect(refused.text).toContain('another browser');

    const res = await browser.get(back);
    expect(res.location!.startsWith(`${sut.config.signIn.consentUrl}?consent_challenge=`)).toBe(
      true,
    );
    // A verifier is spent once.
    expect((await browser.get(back)).status).toBe(400);
  });

  describe('prompt=none', () => {
    it('is login_required without a session, with an authorization.denied event', async () => {
      const { result: res, events } = await eventsDuring(sut, () =>
        new TestBrowser().get(authorizeUrl({ prompt: 'none' })),
      );
      expect(queryOf(res.location)).toEqual({
        error: 'login_required',
        error_description: expect.any(String),
        state: 'state-1',
        iss: sut.url,
      });
      expect(ofType(events, 'authorization.denied')[0]!.data).toEqual({
        client_id: web.clientId,
        reason: 'login_required',
        error: 'login_required',
      });
    });

    it('is consent_required when the session has no grant covering the request', async () => {
      const browser = new TestBrowser();
      await answers.signIn(browser, await browser.get(authorizeUrl()), 'alice', [
        'openid',
        'email',
      ]);
      const start = await browser.get(authorizeUrl({ prompt: 'none', scope: 'openid profile' }));
      const res = await browser.get(
        await answers.acceptLogin(answers.challengeOf(start, 'login'), 'alice'),
      );
      expect(queryOf(res.location)).toMatchObject({ error: 'consent_required', iss: sut.url });
    });

    it('goes through when the session and a remembered grant cover the request', async () => {
      const browser = new TestBrowser();
      await answers.signIn(browser, await browser.get(authorizeUrl()), 'alice', [
        'openid',
        'email',
      ]);
      const start = await browser.get(authorizeUrl({ prompt: 'none' }));
      const consent = await browser.get(
        await answers.acceptLogin(answers.challengeOf(start, 'login'), 'alice'),
      );
      expect(consent.location).toContain('consent_challenge=');
    });
  });

  it('asks for consent again when the last one was given without remember', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(authorizeUrl());
    const consent = await browser.get(
      await answers.acceptLogin(answers.challengeOf(start, 'login'), 'bob'),
    );
    const id = answers.challengeOf(consent, 'consent');
    await browser.get(await answers.acceptConsent(id, ['openid', 'email'], [], false));
    const again = await browser.get(authorizeUrl({ prompt: 'none' }));
    const res = await browser.get(
      await answers.acceptLogin(answers.challengeOf(again, 'login'), 'bob'),
    );
    expect(queryOf(res.location)).toMatchObject({ error: 'consent_required', iss: sut.url });
  });

  it('marks consent skippable for a skip_consent client', async () => {
    const browser = new TestBrowser();
    const start = await browser.get(
      authorizeUrl({ client_id: FIRST_PARTY.clientId, redirect_uri: FIRST_PARTY.redirectUri }),
    );
    const consent = await browser.get(
      await answers.acceptLogin(answers.challengeOf(start, 'login'), 'bob'),
    );
    const id = answers.challengeOf(consent, 'consent');
    expect(await answers.challenge('consent', id)).toMatchObject({
      skip: true,
      subject: 'bob',
    });
  });

  it.each([
    ['login', 'access_denied', 'login_rejected'],
    ['consent', 'access_denied', 'consent_denied'],
  ] as const)('sends a rejected %s as %s with its event', async (kind, error, reason) => {
    const browser = new TestBrowser();
    let res = await browser.get(authorizeUrl());
    if (kind === 'consent')
      res = await browser.get(
        await answers.acceptLogin(answers.challengeOf(res, 'login'), 'alice'),
      );
    const back = await answers.answer(kind, answers.challengeOf(res, kind), {
      kind: 'rejected',
      error: 'access_denied',
      errorDescription: 'the user said no',
    });
    const { result, events } = await eventsDuring(sut, () => browser.get(back));
    expect(queryOf(result.location)).toEqual({
      error,
      error_description: 'the user said no',
      state: 'state-1',
      iss: sut.url,
    });
    expect(ofType(events, 'authorization.denied')[0]!.data).toMatchObject({ reason, error });
  });
});
