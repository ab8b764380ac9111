import { spawn } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'scripts', 'admin.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `npm run admin -- …` as an operator would (`node scripts/admin.js`), with `env` only
 * (no inherited ADMIN_*), `input` on its standard input; resolves when it exits.
 */
export function runAdminCli(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  input?: string,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
