import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { CLIENTS, registryDocument } from '../fixtures/test-registry';
import { freePort } from './free-port';
import { hashSecret } from './secret-hash';

const GENERATE_KEYS_SCRIPT = resolve(__dirname, '../../scripts/generate-keys.js');

/**
 * The files split services share: the test registry (CONFIG_FILE) and one signing key set
 * (KEYS_FILE, made by the same script operators use), so that a JWT minted by one issuance
 * process verifies in every other process, and after a restart.
 */
export interface ServiceFiles {
  readonly dir: string;
  readonly configFile: string;
  readonly keysFile: string;
  remove(): Promise<void>;
}

export async function writeServiceFiles(): Promise<ServiceFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'token-lifecycle-int-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const configFile = join(dir, 'registry.json');
    const keysFile = join(dir, 'keys.json');
    // The private_key_jwt client is not used here; its key only has to be valid.
    const { publicKey } = await generateKeyPair('ES256');
    const jwtClientPublicJwk = { ...(await exportJWK(publicKey)), kid: 'int-key-1', alg: 'ES256' };
    const [hashedClientSecretHash] = await Promise.all([
      hashSecret(CLIENTS.hashed.secret),
      promisify(execFile)(process.execPath, [GENERATE_KEYS_SCRIPT, keysFile]),
    ]);
    const document = registryDocument({ jwtClientPublicJwk, hashedClientSecretHash });
    await writeFile(configFile, JSON.stringify(document, null, 2));
    return { dir, configFile, keysFile, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}

/** The `jti` of a JWT access token, read from its payload (no verification: test bookkeeping). */
export function jtiOf(jwt: string): string {
  const payload = jwt.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  const jti = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown })
    .jti;
  if (typeof jti !== 'string') throw new Error('JWT without jti');
  return jti;
}

export const isJwt = (token: string): boolean => token.split('.').length === 3;

/** Resolves after `ms`; for pacing loops, never as a substitute for waiting on a condition. */
export const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `probe` until it returns a value other than `undefined`/`false`, or fails with `what`
 * (and the last value or error seen) once `timeoutMs` has passed.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await pause(intervalMs);
  }
}

/** `count` distinct TCP ports free on 127.0.0.1 right now. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
