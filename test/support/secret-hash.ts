import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const HASH_SECRET_SCRIPT = resolve(__dirname, '../../scripts/hash-secret.js');

/** A `client_secret_hash`, made by the same script operators use (`npm run hash-secret`). */
export async function hashSecret(secret: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [HASH_SECRET_SCRIPT, secret]);
  return stdout.trim();
}
