import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { USERS } from '../fixtures/test-registry';
import { freePort } from '../support/free-port';
import { followSignIn } from '../support/sign-in-driver';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

jest.setTimeout(30_000);

/**
 * The README's walk-through (`npm run sign-in`): the script prints an authorization URL and
 * waits on the redirect URI; a browser (here the sign-in driver) signs in and comes back there;
 * the script checks state and iss, redeems the code and calls /userinfo.
 */
describe('npm run sign-in', () => {
  const rp = { clientId: 'walkthrough-rp', secret: 'walkthrough-rp-secret-0123456789ab' };
  let sut: StandaloneServer;
  let redirectUri: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sign-in-script-'));
    redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    sut = await startStandaloneServer(
      {},
      {
        extraClients: [
          {
            client_id: rp.clientId,
            client_secret: rp.secret,
            token_endpoint_auth_method: 'client_secret_basic',
            grant_types: ['authorization_code'],
            redirect_uris: [redirectUri],
            scope: 'openid email',
          },
        ],
      },
    );
  });
  afterAll(async () => {
    await sut?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function runScript(args: string[]): { child: ChildProcess; output: () => string } {
    const script = join(__dirname, '../../scripts/sign-in.js');
    const pending = ['--pending', join(dir, 'sign-in.json')];
    const child = spawn(process.execPath, [script, ...args, ...pending], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    return { child, output: () => output };
  }

  async function printedUrl(output: () => string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const url = /(http:\/\/\S+\/oauth2\/authorize\?\S+)/.exec(output())?.[1];
      if (url && output().includes('Waiting for the browser')) return url;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no authorization URL printed:\n${output()}`);
  }

  it('prints the URL, takes the browser back, redeems the code and reads /userinfo', async () => {
    const { child, output } = runScript([
      ...['--issuer', sut.url, '--client', rp.clientId, '--secret', rp.secret],
      ...['--redirect-uri', redirectUri, '--scope', 'openid email'],
    ]);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const url = new URL(await printedUrl(output));
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');

      const flow = await followSignIn(url.href, { redirectUri, user: USERS.alice });
      const back = await fetch(`${redirectUri}?${flow.callback.toString()}`);
      expect(back.status).toBe(200);

      expect(await exited).toBe(0);
      expect(output()).toContain(`POST ${sut.config.endpoints.token} → 200`);
      expect(output()).toContain(`GET ${sut.config.endpoints.userinfo} → 200`);
      expect(output()).toContain(USERS.alice.email);
      expect(output()).not.toContain('does not match');
    } finally {
      child.kill();
    }
  });

  it('refuses to redeem a callback whose state is not its own', async () => {
    const { child, output } = runScript([
      ...['--issuer', sut.url, '--client', rp.clientId, '--secret', rp.secret],
      ...['--redirect-uri', redirectUri],
    ]);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await printedUrl(output);
      await fetch(`${redirectUri}?code=forged&state=not-mine&iss=${encodeURIComponent(sut.url)}`);
      expect(await exited).toBe(1);
      expect(output()).toContain('state does not match: not redeemed');
    } finally {
      child.kill();
    }
  });
});
