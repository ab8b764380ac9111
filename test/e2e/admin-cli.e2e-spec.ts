import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth } from '../support/oauth-http';
import { runAdminCli } from '../support/admin-cli';
import { freePort } from '../support/free-port';
import { ofType } from '../support/lifecycle-events';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/**
 * `npm run admin` (scripts/admin.js) against the booted server on loopback: its exit codes
 * (0 done, 1 refused, 2 usage, 3 unreachable), its help, its JSON output, credentials from the
 * environment or flags.
 */
describe('admin CLI', () => {
  let sut: StandaloneServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    env = {
      ADMIN_URL: sut.url,
      ADMIN_CLIENT_ID: CLIENTS.admin.clientId,
      ADMIN_CLIENT_SECRET: CLIENTS.admin.secret,
    };
  });
  afterAll(async () => {
    await sut?.close();
  });

  describe('usage', () => {
    it('prints the global help and each command help, exit 0', async () => {
      const global = await runAdminCli(['--help']);
      expect(global).toMatchObject({ code: 0 });
      expect(global.stdout).toContain('Usage: npm run admin --');
      expect(global.stdout).toMatch(/Exit codes: 0 done, 1 .*2 usage error/s);
      for (const command of ['clients', 'resources', 'keys', 'revoke', 'initial-access-token']) {
        const help = await runAdminCli([command, '--help']);
        expect(help.code).toBe(0);
        expect(help.stdout).toContain(`npm run admin -- ${command}`);
      }
      await expect(runAdminCli(['help', 'revoke'])).resolves.toMatchObject({
        code: 0,
        stdout: expect.stringContaining('revoke client <client_id>'),
      });
    });

    it.each([
      [[]],
      [['frobnicate']],
      [['clients']],
      [['clients', 'get']],
      [['clients', 'create']],
      [['clients', 'list', '--alg', 'ES256']],
      [['revoke', 'client']],
      [['revoke', 'everyone', 'x']],
      [['initial-access-token', 'create', '--uses', 'many']],
      [['keys', 'list', '--no-such-flag']],
      [['resources', 'list', '--overlap-seconds', '5']],
      [['clients', 'rotate-secret']],
    ])('exits 2 for %j without calling the server', async (args) => {
      const run = await runAdminCli(args, env);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Usage:');
      expect(run.stdout).toBe('');
    });

    it('exits 2 without admin credentials', async () => {
      const run = await runAdminCli(['revoke', 'client', 'x'], { ADMIN_URL: sut.url });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('ADMIN_CLIENT_ID');
    });

    it('exits 2 when the document cannot be read, or is not JSON', async () => {
      const missing = await runAdminCli(['clients', 'create', '--file', '/nonexistent.json'], env);
      expect(missing.code).toBe(2);
      const garbage = await runAdminCli(['clients', 'create', '--file', '-'], env, '{not json');
      expect(garbage).toMatchObject({ code: 2, stderr: expect.stringContaining('not valid JSON') });
    });
  });

  it('exits 3 when the server cannot be reached', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runAdminCli(['revoke', 'client', 'x'], { ...env, ADMIN_URL: closed });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`cannot reach ${closed}`);
  });

  describe('keys, against the admin API', () => {
    it('lists the signing keys, and rotates one with the algorithm asked for', async () => {
      const listed = await runAdminCli(['keys', 'list'], env);
      expect(listed.code).toBe(0);
      const lines = listed.stdout.trim().split('\n');
      expect(lines).toContainEqual(expect.stringMatching(/^\S+ {2}alg=ES256 {2}status=active\b/));
      const rotated = await runAdminCli(['keys', 'rotate', '--alg', 'EdDSA', '--json'], env);
      expect(rotated.code).toBe(0);
      const answer = JSON.parse(rotated.stdout) as { keys: { kid: string; alg: string }[] };
      expect(answer.keys).toEqual([
        expect.objectContaining({ alg: 'EdDSA', status: 'published', source: 'runtime' }),
      ]);
      const after = await runAdminCli(['keys', 'list'], env);
      expect(after.stdout).toContain(`${answer.keys[0]!.kid}  alg=EdDSA  status=published`);
      // Only the algorithm asked for: the ES256 key still signs.
      expect(after.stdout).toMatch(/alg=ES256 {2}status=active/);
    });
  });

  describe('against the admin API', () => {
    it('creates an initial access token, shown in JSON with --json', async () => {
      const run = await runAdminCli(
        ['initial-access-token', 'create', '--expires-in', '120', '--uses', '2', '--json'],
        env,
      );
      expect(run.code).toBe(0);
      const answer = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(answer).toEqual({
        initial_access_token: expect.stringMatching(/^iat_[\w-]{43}$/),
        expires_in: 120,
        uses: 2,
      });
    });

    it('revokes a client tokens (flags instead of the environment)', async () => {
      const before = sut.events().length;
      const run = await runAdminCli([
        '--url',
        sut.url,
        '--client-id',
        CLIENTS.admin.clientId,
        '--client-secret',
        CLIENTS.admin.secret,
        'revoke',
        'client',
        CLIENTS.basic.clientId,
      ]);
      expect(run.code).toBe(0);
      const revoked = ofType(sut.events().slice(before), 'client.tokens_revoked');
      expect(revoked.map((e) => e.data.client_id)).toEqual([CLIENTS.basic.clientId]);
    });

    it('manages a resource: create from a file, get, list, update from stdin, delete', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'admin-cli-'));
      try {
        const identifier = 'https://cli.test.example';
        const file = join(dir, 'resource.json');
        await writeFile(file, JSON.stringify({ identifier, scopes: ['cli:read'] }));
        const created = await runAdminCli(['resources', 'create', '--file', file, '--json'], env);
        expect(created.code).toBe(0);
        expect(JSON.parse(created.stdout)).toMatchObject({ identifier, scopes: ['cli:read'] });
        const got = await runAdminCli(['resources', 'get', identifier], env);
        expect(got.code).toBe(0);
        expect(JSON.parse(got.stdout)).toMatchObject({ identifier });
        const listed = await runAdminCli(['resources', 'list'], env);
        expect(listed.stdout.split('\n')).toContain(identifier);
        const updated = await runAdminCli(
          ['resources', 'update', identifier, '--file', '-', '--json'],
          env,
          JSON.stringify({ scopes: ['cli:read', 'cli:write'], access_token_ttl: 120 }),
        );
        expect(updated.code).toBe(0);
        expect(JSON.parse(updated.stdout)).toMatchObject({ access_token_ttl: 120 });
        const deleted = await runAdminCli(['resources', 'delete', identifier], env);
        expect(deleted).toMatchObject({ code: 0, stdout: 'deleted\n' });
        const gone = await runAdminCli(['resources', 'get', identifier], env);
        expect(gone.code).toBe(1);
        expect(gone.stderr).toContain('error: 404 not_found');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('manages a client: create from stdin (secret shown once), use it, rotate, delete', async () => {
      const oauth = new OAuthClient(sut.config.endpoints);
      const clientId = `cli-svc-${Date.now()}`;
      const document = {
        client_id: clientId,
        grant_types: ['client_credentials'],
        scope: 'orders:read',
        resources: [RESOURCES.orders.identifier],
      };
      const created = await runAdminCli(
        ['clients', 'create', '--file', '-', '--json'],
        env,
        JSON.stringify(document),
      );
      expect(created.code).toBe(0);
      const secret = (JSON.parse(created.stdout) as { client_secret: string }).client_secret;
      expect(secret).toEqual(expect.any(String));
      const token = (form: Record<string, string>, s: string) =>
        oauth.token(form, clientAuth.basic({ clientId, secret: s }));
      const cc = { grant_type: 'client_credentials', scope: 'orders:read' };
      expect((await token(cc, secret)).status).toBe(200);

      const got = await runAdminCli(['clients', 'get', clientId], env);
      expect(got.code).toBe(0);
      expect(got.stdout).not.toContain(secret);
      const listed = await runAdminCli(['clients', 'list'], env);
      expect(listed.stdout).toMatch(new RegExp(`^${clientId}\\b`, 'm'));

      const rotated = await runAdminCli(['clients', 'rotate-secret', clientId, '--json'], env);
      expect(rotated.code).toBe(0);
      const next = (JSON.parse(rotated.stdout) as { client_secret: string }).client_secret;
      expect((await token(cc, secret)).status).toBe(401);
      expect((await token(cc, next)).status).toBe(200);

      const deleted = await runAdminCli(['clients', 'delete', clientId, '--json'], env);
      expect(deleted).toMatchObject({ code: 0, stdout: '' });
      expect((await token(cc, next)).status).toBe(401);
    });

    it('exits 1 with the server error when it refuses: not an admin, bad input', async () => {
      const notAdmin = await runAdminCli(['revoke', 'client', 'x'], {
        ...env,
        ADMIN_CLIENT_ID: CLIENTS.basic.clientId,
        ADMIN_CLIENT_SECRET: CLIENTS.basic.secret,
      });
      expect(notAdmin.code).toBe(1);
      expect(notAdmin.stderr).toContain('error: 403 unauthorized_client');
      const wrongSecret = await runAdminCli(['revoke', 'client', 'x'], {
        ...env,
        ADMIN_CLIENT_SECRET: 'not-the-secret-0123456789',
      });
      expect(wrongSecret.code).toBe(1);
      expect(wrongSecret.stderr).toContain('error: 401 invalid_client');
      const tooShort = await runAdminCli(
        ['initial-access-token', 'create', '--expires-in', '5', '--json'],
        env,
      );
      expect(tooShort.code).toBe(1);
      expect(JSON.parse(tooShort.stdout)).toMatchObject({ error: 'invalid_request' });
    });
  });
});
