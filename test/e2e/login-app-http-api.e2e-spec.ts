import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, ConfigError, loadConfig } from '@app/config';
import { HttpLoginConsentApi, LoginApiError, LoginAppModule } from '@app/login';
import { createHttpApp, serviceModule } from '@app/platform';
import { freePort } from '../support/free-port';
import { basicAuthorization } from '../support/oauth-http';

const PROVIDER = { clientId: 'login-provider-e2e', secret: 'login provider secret:0123456789' };
const USER = { username: 'alice', password: 'alice-http-api-password-1', subject: 'user-alice' };

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
  readonly contentType?: string;
  readonly body: string;
}

/** The authorization service's side of the API over HTTP, answering what each test sets. */
class FakeApiServer {
  readonly seen: Seen[] = [];
  answer: (req: Seen) => { status: number; body?: unknown } = () => ({ status: 500 });
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const seen: Seen = {
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    };
    this.seen.push(seen);
    const { status, body: answer } = this.answer(seen);
    if (status === 0) return; // never answers
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function writeRegistry(dir: string, clients: unknown[]): Promise<string> {
  const file = join(dir, `registry-${clients.length}.json`);
  await writeFile(
    file,
    JSON.stringify({
      resources: [],
      clients,
      users: [{ ...USER, claims: { name: 'Alice' } }],
    }),
  );
  return file;
}

describe('the reference login app over the HTTP login/consent API', () => {
  const api = new FakeApiServer();
  let app: NestFastifyApplication;
  let config: AppConfig;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    await api.start();
    dir = await mkdtemp(join(tmpdir(), 'login-app-http-e2e-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    config = loadConfig({
      PORT: String(port),
      ISSUER: api.url,
      CONFIG_FILE: await writeRegistry(dir, []),
      LOGIN_URL: `${url}/login`,
      CONSENT_URL: `${url}/consent`,
      LOGIN_API_URL: api.url,
      LOGIN_CLIENT_ID: PROVIDER.clientId,
      LOGIN_CLIENT_SECRET: PROVIDER.secret,
      LOG_LEVEL: 'error',
    });
    app = await createHttpApp(serviceModule(config, 'login', [LoginAppModule]), config);
    await app.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => api.seen.splice(0));

  const loginView = (challenge: string) => ({
    challenge,
    client: { client_id: 'some-client' },
    requested_scope: ['openid'],
    requested_resource: [],
    skip: false,
    prompt: [],
    ui_locales: [],
    acr_values: [],
  });

  it('reads the login request with client_secret_basic and answers with a JSON PUT', async () => {
    const redirectTo = `${config.endpoints.authorization}?login_challenge=c1&login_verifier=v1`;
    api.answer = (req) =>
      req.method === 'GET'
        ? { status: 200, body: loginView('c1') }
        : { status: 200, body: { redirect_to: redirectTo } };
    const page = await fetch(`${url}/login?login_challenge=c1`);
    const html = await page.text();
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const token = /name="csrf_token" value="([^"]+)"/.exec(html)![1]!;
    const res = await fetch(`${url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({
        login_challenge: 'c1',
        csrf_token: token,
        username: USER.username,
        password: USER.password,
      }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(redirectTo);
    const authorization = basicAuthorization(PROVIDER.clientId, PROVIDER.secret);
    expect(api.seen).toEqual([
      {
        method: 'GET',
        url: '/oauth2/auth/requests/login?login_challenge=c1',
        authorization,
        body: '',
      },
      {
        method: 'PUT',
        url: '/oauth2/auth/requests/login/accept?login_challenge=c1',
        authorization,
        contentType: 'application/json',
        body: JSON.stringify({ subject: USER.subject, amr: ['pwd'], remember: false }),
      },
    ]);
  });

  it('shows "expired" for a 404 from the API, and a friendly page for its other failures', async () => {
    api.answer = () => ({ status: 404, body: { error: 'not_found', error_description: 'x' } });
    const expired = await fetch(`${url}/login?login_challenge=gone`);
    expect(expired.status).toBe(404);
    expect(await expired.text()).toContain('This sign-in has expired');
    api.answer = () => ({ status: 500, body: { error: 'server_error' } });
    const failed = await fetch(`${url}/consent?consent_challenge=c2`);
    expect(failed.status).toBe(502);
    expect(await failed.text()).toContain('The sign-in service could not answer');
    api.answer = () => ({ status: 200, body: { challenge: 'c3', skip: 'yes' } });
    const malformed = await fetch(`${url}/login?login_challenge=c3`);
    expect(malformed.status).toBe(502);
  });

  it('follows no redirect_to but one to the authorization endpoint', async () => {
    api.answer = (req) =>
      req.method === 'GET'
        ? { status: 200, body: { ...loginView('c4'), skip: true, subject: USER.subject } }
        : { status: 200, body: { redirect_to: 'https://attacker.example/steal' } };
    const res = await fetch(`${url}/login?login_challenge=c4`, { redirect: 'manual' });
    expect(res.status).toBe(502);
    expect(res.headers.get('location')).toBeNull();
  });

  it('gives up on an API that does not answer in time (504), or cannot be reached (502)', async () => {
    api.answer = () => ({ status: 0 });
    const slow = new HttpLoginConsentApi(api.url, PROVIDER, 200);
    await expect(slow.loginRequest('c5')).rejects.toEqual(new LoginApiError(504, 'timed out'));
    const port = await freePort();
    const gone = new HttpLoginConsentApi(`http://127.0.0.1:${port}`, PROVIDER, 200);
    await expect(gone.loginRequest('c6')).rejects.toEqual(new LoginApiError(502, 'unreachable'));
  });

  it('refuses to start without credentials for the API, naming the variables', async () => {
    const bare = loadConfig({
      ISSUER: api.url,
      CONFIG_FILE: await writeRegistry(dir, [
        {
          client_id: 'hashed-provider',
          client_secret_hash: '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$' + 'a'.repeat(43),
          token_endpoint_auth_method: 'client_secret_basic',
          grant_types: [],
          login_provider: true,
        },
      ]),
      LOG_LEVEL: 'error',
    });
    const start = createHttpApp(serviceModule(bare, 'login', [LoginAppModule]), bare);
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(/LOGIN_CLIENT_ID.*LOGIN_CLIENT_SECRET/);
  });
});
