import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '@app/config';
import { LoginAppModule } from '@app/login';
import {
  AcceptConsentBody,
  AcceptLoginBody,
  ConsentRequestView,
  LOGIN_CONSENT_API,
  LoginConsentApi,
  LoginRequestView,
  OAuthError,
  RejectBody,
} from '@app/oauth';
import { createHttpApp, serviceModule } from '@app/platform';
import { freePort } from '../support/free-port';
import { hashSecret } from '../support/secret-hash';

const FAILURES_PER_USERNAME = 3;
const WEB = { clientId: 'web-e2e', redirectUri: 'https://rp.example.org/callback' };
const ALICE = { username: 'alice', password: 'alice-login-app-password-1', subject: 'user-alice' };
/** A user whose password is a scrypt hash, as in production. */
const CAROL = { username: 'carol', password: 'carol-login-app-password-3', subject: 'user-carol' };
const ALICE_CLAIMS = { name: 'Alice Example', email: 'alice@example.org', email_verified: true };

/** The platform's side of the login/consent API, recording what the login app answers. */
class UnknownChallenge extends OAuthError {
  readonly error = 'not_found';
  override readonly status = 404;
}

class FakeLoginConsentApi implements LoginConsentApi {
  readonly logins = new Map<string, LoginRequestView>();
  readonly consents = new Map<string, ConsentRequestView>();
  readonly answers: { call: string; challenge: string; body: object }[] = [];
  authorizationEndpoint = '';

  async loginRequest(challenge: string): Promise<LoginRequestView> {
    return this.logins.get(challenge) ?? unknown();
  }
  async consentRequest(challenge: string): Promise<ConsentRequestView> {
    return this.consents.get(challenge) ?? unknown();
  }
  acceptLogin = (c: string, body: AcceptLoginBody) => this.answer('acceptLogin', c, body);
  rejectLogin = (c: string, body: RejectBody) => this.answer('rejectLogin', c, body);
  acceptConsent = (c: string, body: AcceptConsentBody) => this.answer('acceptConsent', c, body);
  rejectConsent = (c: string, body: RejectBody) => this.answer('rejectConsent', c, body);

  private async answer(call: string, challenge: string, body: object) {
    const known = this.logins.has(challenge) || this.consents.has(challenge);
    if (!known) unknown();
    this.answers.push({ call, challenge, body });
    return { redirect_to: `${this.authorizationEndpoint}?challenge=${challenge}&verifier=v` };
  }
}

function unknown(): never {
  throw new UnknownChallenge('no such challenge');
}

const fake = new FakeLoginConsentApi();

@Global()
@Module({ providers: [{ provide: LOGIN_CONSENT_API, useValue: fake }] })
class FakePlatformModule {}

/** The tags of a page with their attributes (the pages are ours: flat, double-quoted). */
function tags(html: string, name: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const m of html.matchAll(new RegExp(`<${name}\\b([^>]*)>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of m[1]!.matchAll(/([a-z-]+)(?:="([^"]*)")?/g)) attrs[a[1]!] = a[2] ?? '';
    found.push(attrs);
  }
  return found;
}

const input = (html: string, name: string) => tags(html, 'input').find((i) => i.name === name);

interface Page {
  readonly status: number;
  readonly headers: Headers;
  readonly html: string;
}

describe('the reference login app (with a fake login/consent API)', () => {
  let app: NestFastifyApplication;
  let config: AppConfig;
  let url: string;
  let dir: string;
  let logged = '';
  const restores: (() => void)[] = [];

  beforeAll(async () => {
    // Everything the process writes, whatever the logger: no password may be in it.
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        logged += String(chunk);
        return write(chunk, ...rest);
      }) as typeof stream.write;
      restores.push(() => (stream.write = write));
    }
    dir = await mkdtemp(join(tmpdir(), 'login-app-e2e-'));
    const configFile = join(dir, 'registry.json');
    await writeFile(
      configFile,
      JSON.stringify({
        resources: [],
        clients: [
          {
            client_id: WEB.clientId,
            client_secret: 'web-e2e-secret-0123456789abcdef',
            token_endpoint_auth_method: 'client_secret_basic',
            grant_types: ['authorization_code'],
            redirect_uris: [WEB.redirectUri, 'http://127.0.0.1/cb', 'org.example.app:/cb'],
            scope: 'openid profile email',
          },
        ],
        users: [
          { ...ALICE, password: ALICE.password, claims: ALICE_CLAIMS },
          {
            username: CAROL.username,
            subject: CAROL.subject,
            password_hash: await hashSecret(CAROL.password),
            claims: { name: 'Carol' },
          },
        ],
      }),
    );
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    config = loadConfig({
      PORT: String(port),
      ISSUER: 'http://platform.test:4000',
      CONFIG_FILE: configFile,
      LOGIN_URL: `${url}/login`,
      CONSENT_URL: `${url}/consent`,
      LOG_LEVEL: 'debug',
      LOGIN_FAILURES_PER_USERNAME: String(FAILURES_PER_USERNAME),
      LOGIN_FAILURE_WINDOW_SECONDS: '120',
    });
    fake.authorizationEndpoint = config.endpoints.authorization;
    app = await createHttpApp(
      serviceModule(config, 'login', [LoginAppModule, FakePlatformModule]),
      config,
      // The service's own log lines (pino writes to the file descriptor, not process.stdout).
      { service: 'login', destination: { write: (line: string) => (logged += line) } },
    );
    await app.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    for (const restore of restores) restore();
    await rm(dir, { recursive: true, force: true });
  });

  let nextChallenge = 0;
  function loginRequest(extra: Partial<LoginRequestView> = {}): LoginRequestView {
    const challenge = `login-challenge-${++nextChallenge}`;
    const view: LoginRequestView = {
      challenge,
      client: { client_id: WEB.clientId },
      requested_scope: ['openid', 'email'],
      requested_resource: [],
      skip: false,
      prompt: [],
      ui_locales: [],
      acr_values: [],
      ...extra,
    };
    fake.logins.set(challenge, view);
    return view;
  }
  function consentRequest(extra: Partial<ConsentRequestView> = {}): ConsentRequestView {
    const challenge = `consent-challenge-${++nextChallenge}`;
    const view: ConsentRequestView = {
      challenge,
      client: { client_id: WEB.clientId },
      requested_scope: ['openid', 'email'],
      requested_resource: ['https://api.example.org'],
      skip: false,
      subject: ALICE.subject,
      auth_time: 1_700_000_000,
      amr: ['pwd'],
      prompt: [],
      ui_locales: [],
      ...extra,
    };
    fake.consents.set(challenge, view);
    return view;
  }
  const answersFor = (challenge: string) => fake.answers.filter((a) => a.challenge === challenge);

  async function get(path: string, cookie?: string): Promise<Page> {
    const res = await fetch(`${url}${path}`, {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });
    return { status: res.status, headers: res.headers, html: await res.text() };
  }

  async function post(path: string, form: Record<string, string>, cookie?: string) {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(cookie ? { cookie } : {}),
      },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, headers: res.headers, html: await res.text() };
  }

  /** Opens a form page as a browser would: its cookie and every hidden field. */
  async function openForm(
    path: string,
  ): Promise<{ page: Page; cookie: string; hidden: Record<string, string> }> {
    const page = await get(path);
    expect(page.status).toBe(200);
    const setCookie = page.headers.get('set-cookie') ?? '';
    const cookie = setCookie.split(';')[0]!;
    const hidden: Record<string, string> = {};
    for (const i of tags(page.html, 'input')) if (i.type === 'hidden') hidden[i.name!] = i.value!;
    return { page, cookie, hidden };
  }

  const openLogin = (view: LoginRequestView) =>
    openForm(`/login?login_challenge=${encodeURIComponent(view.challenge)}`);
  const openConsent = (view: ConsentRequestView) =>
    openForm(`/consent?consent_challenge=${encodeURIComponent(view.challenge)}`);

  function expectSecurityHeaders(page: Page): void {
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');
  }

  describe('login', () => {
    it('shows the form of the contract: method post, username, password, challenge and CSRF token', async () => {
      const view = loginRequest({ login_hint: 'alice' });
      const { page, cookie, hidden } = await openLogin(view);
      expect(page.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
      expect(tags(page.html, 'form')).toEqual([{ method: 'post' }]);
      expect(input(page.html, 'username')).toMatchObject({ value: 'alice' });
      expect(input(page.html, 'password')).toMatchObject({ type: 'password' });
      expect(input(page.html, 'password')).not.toHaveProperty('value');
      expect(hidden.login_challenge).toBe(view.challenge);
      expect(hidden.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(cookie).toMatch(/^login_csrf=[A-Za-z0-9_-]{43}$/);
      expect(page.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Lax$/);
      expect(page.html).toContain(WEB.clientId);
      expectSecurityHeaders(page);
    });

    it('allows forms to post to itself, the platform’s pages and the client’s redirect URIs only', async () => {
      const { page } = await openLogin(loginRequest());
      const formAction = (page.headers.get('content-security-policy') ?? '')
        .split('; ')
        .find((d) => d.startsWith('form-action '));
      expect(formAction).toBe(
        `form-action 'self' http://platform.test:4000 ${url} ` +
          'https://rp.example.org http://127.0.0.1:* org.example.app:',
      );
    });

    it('escapes what it shows: a login hint or client id cannot add markup', async () => {
      const view = loginRequest({
        login_hint: '"><script>alert(1)</script>',
        client: { client_id: '<img src=x>' },
      });
      const { page } = await openLogin(view);
      expect(page.html).not.toContain('<script>');
      expect(page.html).not.toContain('<img');
      expect(input(page.html, 'username')!.value).toBe(
        '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;',
      );
    });

    it('accepts the right password with the user’s subject, pwd and remember me, and redirects (303)', async () => {
      const view = loginRequest();
      const { cookie, hidden } = await openLogin(view);
      const res = await post(
        '/login',
        { ...hidden, username: ALICE.username, password: ALICE.password, remember: '1' },
        cookie,
      );
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(
        `${config.endpoints.authorization}?challenge=${view.challenge}&verifier=v`,
      );
      expectSecurityHeaders(res);
      expect(answersFor(view.challenge)).toEqual([
        {
          call: 'acceptLogin',
          challenge: view.challenge,
          body: {
            subject: ALICE.subject,
            amr: ['pwd'],
            remember: true,
            remember_for: config.signIn.sessionMaxTtl,
          },
        },
      ]);
    });

    it('checks hashed passwords too, and does not remember a session unless asked', async () => {
      const view = loginRequest();
      const { cookie, hidden } = await openLogin(view);
      const res = await post(
        '/login',
        { ...hidden, username: 'Carol', password: CAROL.password },
        cookie,
      );
      expect(res.status).toBe(303);
      expect(answersFor(view.challenge)[0]!.body).toEqual({
        subject: CAROL.subject,
        amr: ['pwd'],
        remember: false,
      });
    });

    it('shows the form again with one generic message for a wrong password and for an unknown user', async () => {
      const view = loginRequest();
      const { cookie, hidden } = await openLogin(view);
      const unknownUser = await post(
        '/login',
        { ...hidden, username: 'bob-unknown', password: 'nope-nope-nope-1' },
        cookie,
      );
      const wrong = await post(
        '/login',
        { ...hidden, username: ALICE.username, password: 'wrong-password-123' },
        cookie,
      );
      for (const res of [unknownUser, wrong]) {
        expect(res.status).toBe(400);
        expect(res.html).toContain('The username or password is not right.');
        expect(tags(res.html, 'form')).toEqual([{ method: 'post' }]);
        expect(input(res.html, 'password')).not.toHaveProperty('value');
        expectSecurityHeaders(res);
      }
      expect(input(unknownUser.html, 'username')!.value).toBe('bob-unknown');
      expect(answersFor(view.challenge)).toEqual([]);
    });

    it('answers 429 with Retry-After once a username has failed too often, without checking the password', async () => {
      const view = loginRequest();
      const { cookie, hidden } = await openLogin(view);
      const attempt = (username: string, password: string) =>
        post('/login', { ...hidden, username, password }, cookie);
      // A success clears the user's earlier failures (other tests made some).
      const earlier = await openLogin(loginRequest());
      const credentials = { username: ALICE.username, password: ALICE.password };
      const cleared = await post('/login', { ...earlier.hidden, ...credentials }, earlier.cookie);
      expect(cleared.status).toBe(303);
      for (let i = 0; i < FAILURES_PER_USERNAME; i++)
        expect((await attempt('alice', `wrong-password-${i}-xyz`)).status).toBe(400);
      // Even the right password, and under any spelling of the name: the count is the user's.
      for (const username of ['alice', 'ALICE']) {
        const res = await attempt(username, ALICE.password);
        expect(res.status).toBe(429);
        const retryAfter = Number(res.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(120);
        expect(res.html).toContain('Too many attempts');
        expectSecurityHeaders(res);
      }
      expect(answersFor(view.challenge)).toEqual([]);
      // Another username is not affected.
      expect((await attempt(CAROL.username, CAROL.password)).status).toBe(303);
    });

    it('refuses a post without the CSRF cookie, without the token, or with another challenge’s token (403)', async () => {
      const view = loginRequest();
      const other = loginRequest();
      const { cookie, hidden } = await openLogin(view);
      const { hidden: otherHidden } = await openLogin(other);
      const credentials = { username: ALICE.username, password: ALICE.password };
      const attempts = [
        post('/login', { ...hidden, ...credentials }),
        post('/login', { login_challenge: view.challenge, ...credentials }, cookie),
        post('/login', { ...hidden, csrf_token: otherHidden.csrf_token!, ...credentials }, cookie),
        post(
          '/login',
          { ...hidden, csrf_token: lastCharChanged(hidden.csrf_token!), ...credentials },
          cookie,
        ),
        post('/login', { ...hidden, ...credentials }, `login_csrf=${'A'.repeat(43)}`),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(403);
        expect(res.html).toContain('This form has expired');
        expectSecurityHeaders(res);
      }
      expect(answersFor(view.challenge)).toEqual([]);
    });

    it('accepts at once, without a page, when the platform says a session may skip login', async () => {
      const view = loginRequest({ skip: true, subject: ALICE.subject });
      const res = await get(`/login?login_challenge=${view.challenge}`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toContain(view.challenge);
      expectSecurityHeaders(res);
      expect(answersFor(view.challenge)).toEqual([
        { call: 'acceptLogin', challenge: view.challenge, body: { subject: ALICE.subject } },
      ]);
    });

    it('rejects the request with access_denied on cancel', async () => {
      const view = loginRequest();
      const { cookie, hidden } = await openLogin(view);
      const res = await post(
        '/login',
        { ...hidden, action: 'cancel', username: '', password: '' },
        cookie,
      );
      expect(res.status).toBe(303);
      expect(answersFor(view.challenge)).toEqual([
        {
          call: 'rejectLogin',
          challenge: view.challenge,
          body: { error: 'access_denied', error_description: 'the user cancelled the sign-in' },
        },
      ]);
    });

    it('says the sign-in has expired for an unknown challenge, and asks for one when there is none', async () => {
      const expired = await get('/login?login_challenge=gone');
      expect(expired.status).toBe(404);
      expect(expired.html).toContain('This sign-in has expired');
      expectSecurityHeaders(expired);
      const missing = await get('/login');
      expect(missing.status).toBe(400);
      expectSecurityHeaders(missing);
    });

    it('answers a malformed form with a page, never a stack', async () => {
      const view = loginRequest();
      const { cookie, hidden } = await openLogin(view);
      const body = `${new URLSearchParams(hidden).toString()}&username=a&username=b&password=x`;
      const res = await fetch(`${url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body,
      });
      const html = await res.text();
      expect(res.status).toBe(400);
      expect(html).toContain('The form could not be read');
      expect(html).not.toMatch(/at .*\.ts:\d+/);
    });
  });

  describe('consent', () => {
    it('shows the form of the contract with the client, its scopes and resources', async () => {
      const view = consentRequest();
      const { page, hidden } = await openConsent(view);
      expect(tags(page.html, 'form')).toEqual([{ method: 'post' }]);
      expect(tags(page.html, 'button')).toEqual([
        { type: 'submit', name: 'decision', value: 'allow' },
        { type: 'submit', name: 'decision', value: 'deny' },
      ]);
      expect(hidden.consent_challenge).toBe(view.challenge);
      expect(hidden.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      for (const shown of [WEB.clientId, 'openid', 'email', 'https://api.example.org'])
        expect(page.html).toContain(shown);
      expectSecurityHeaders(page);
    });

    it('allow grants what was asked with the user’s claims, remembered', async () => {
      const view = consentRequest();
      const { cookie, hidden } = await openConsent(view);
      const res = await post('/consent', { ...hidden, decision: 'allow' }, cookie);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toContain(view.challenge);
      expect(answersFor(view.challenge)).toEqual([
        {
          call: 'acceptConsent',
          challenge: view.challenge,
          body: {
            grant_scope: ['openid', 'email'],
            grant_resource: ['https://api.example.org'],
            session: { id_token: ALICE_CLAIMS, userinfo: ALICE_CLAIMS },
            remember: true,
          },
        },
      ]);
    });

    it('deny rejects with access_denied', async () => {
      const view = consentRequest();
      const { cookie, hidden } = await openConsent(view);
      const res = await post('/consent', { ...hidden, decision: 'deny' }, cookie);
      expect(res.status).toBe(303);
      expect(answersFor(view.challenge)).toEqual([
        {
          call: 'rejectConsent',
          challenge: view.challenge,
          body: { error: 'access_denied', error_description: 'the user denied access' },
        },
      ]);
    });

    it('accepts at once, with the claims, when consent may be skipped', async () => {
      const view = consentRequest({ skip: true, requested_resource: [] });
      const res = await get(`/consent?consent_challenge=${view.challenge}`);
      expect(res.status).toBe(303);
      expectSecurityHeaders(res);
      expect(answersFor(view.challenge)).toEqual([
        {
          call: 'acceptConsent',
          challenge: view.challenge,
          body: {
            grant_scope: ['openid', 'email'],
            grant_resource: [],
            session: { id_token: ALICE_CLAIMS, userinfo: ALICE_CLAIMS },
            remember: false,
          },
        },
      ]);
    });

    it('refuses a decision without a valid CSRF token (403), and one that is neither allow nor deny', async () => {
      const view = consentRequest();
      const { cookie, hidden } = await openConsent(view);
      const login = loginRequest();
      const { hidden: loginHidden } = await openLogin(login);
      for (const res of [
        await post('/consent', { consent_challenge: view.challenge, decision: 'allow' }, cookie),
        await post('/consent', { ...hidden, decision: 'allow' }),
        // A login form's token is no consent token, even for the same browser.
        await post(
          '/consent',
          { ...hidden, csrf_token: loginHidden.csrf_token!, decision: 'allow' },
          cookie,
        ),
      ]) {
        expect(res.status).toBe(403);
        expectSecurityHeaders(res);
      }
      const odd = await post('/consent', { ...hidden, decision: 'maybe' }, cookie);
      expect(odd.status).toBe(400);
      expect(answersFor(view.challenge)).toEqual([]);
    });
  });

  describe('logs', () => {
    it('never carry a password, whatever was sent above', async () => {
      expect(logged.length).toBeGreaterThan(0);
      for (const secret of [
        ALICE.password,
        CAROL.password,
        'wrong-password-123',
        'nope-nope-nope-1',
      ])
        expect(logged).not.toContain(secret);
    });
  });
});

/** The token with its last character replaced by another one (never by the same one). */
function lastCharChanged(token: string): string {
  return `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
}
