import { Logger } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SIGNING_ALGS } from '@app/config';
import { KeyRing } from '@app/tokens';
import { ServiceProcess } from '../support/service-process';
import { startStandaloneServer } from '../support/standalone-server';

// What an operator sees when a service starts: loud warnings for development defaults, and a
// refusal that names the variable and the reason, never the content of a file of secrets.

/** Runs the standalone service from source until it exits, and returns its output. */
async function failedStart(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const sut = await ServiceProcess.prepare({ service: 'standalone', env, liveTimeoutMs: 120_000 });
  await expect(sut.start()).rejects.toThrow('exited during start-up');
  return { code: (await sut.exited).code, output: sut.output() };
}

describe('start-up', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'startup-e2e-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('warns loudly, in development, of the signing keys it generated and the plain secrets and passwords it loaded', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const server = await startStandaloneServer();
    try {
      const warnings = warn.mock.calls.map((c) => String(c[0]));
      expect(warnings).toEqual(
        expect.arrayContaining([
          expect.stringContaining('KEYS_FILE is unset: signing keys were generated at start'),
          expect.stringContaining('plain-text client_secret for svc-basic'),
          expect.stringContaining('plain-text password for users alice, bob'),
        ]),
      );
      expect(warnings.join('\n')).not.toContain('CONFIG_FILE is unset');
    } finally {
      warn.mockRestore();
      await server.close();
    }
  });

  it('refuses to start in production without CONFIG_FILE, naming it and why', async () => {
    const { code, output } = await failedStart({ NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(output).toContain(
      'Invalid configuration: CONFIG_FILE: is required when NODE_ENV=production',
    );
  }, 150_000);

  it('never prints a malformed KEYS_FILE, only its name, the line and the column', async () => {
    const secret = 'PRIVATEdMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2';
    const keysFile = join(dir, 'keys.json');
    await writeFile(keysFile, `{"keys": [{"kty": "EC", "alg": "ES256",\n "d": ${secret}}]}`);
    const { code, output } = await failedStart({ KEYS_FILE: keysFile, LOG_LEVEL: 'error' });
    expect(code).not.toBe(0);
    expect(output).toContain(
      `Invalid configuration: KEYS_FILE: ${keysFile} is not valid JSON: unexpected character at line 2, column 7`,
    );
    expect(output).not.toContain(secret.slice(0, 12));
  }, 150_000);

  it('never prints a key of KEYS_FILE that fails to import, only the file and its index', async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const good = { ...(await exportJWK(privateKey)), alg: 'ES256', kid: 'k1' };
    const d = 'PRIVATEdMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2';
    const keysFile = join(dir, 'bad-key.json');
    await writeFile(keysFile, JSON.stringify({ keys: [good, { ...good, kid: 'k2', d }] }));
    const { code, output } = await failedStart({ KEYS_FILE: keysFile, LOG_LEVEL: 'error' });
    expect(code).not.toBe(0);
    expect(output).toContain(
      `Invalid configuration: KEYS_FILE: ${keysFile}: keys[1]: is not a working ES256 key pair`,
    );
    for (const secret of [d, good.d!]) expect(output).not.toContain(secret.slice(0, 12));
  }, 150_000);

  it('scripts/generate-keys.js writes a private set with a key for every signing algorithm', async () => {
    const keysFile = join(dir, 'generated.json');
    const script = resolve(__dirname, '../../scripts/generate-keys.js');
    await promisify(execFile)(process.execPath, [script, keysFile]);
    expect((await stat(keysFile)).mode & 0o777).toBe(0o600);
    const sut = await KeyRing.fromJwks(JSON.parse(await readFile(keysFile, 'utf8')));
    expect(sut.algorithms().sort()).toEqual([...SIGNING_ALGS].sort());
    const published = sut.publicJwks().keys;
    expect(published.map((k) => k.alg).sort()).toEqual([...SIGNING_ALGS].sort());
    expect(new Set(published.map((k) => k.n ?? k.x)).size).toBe(published.length);
  }, 60_000);
});
