import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from './free-port';

const ROOT = resolve(__dirname, '../..');
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SWC_NODE_PROJECT'];
const OUTPUT_LIMIT = 256 * 1024;
const LIVE_TIMEOUT_MS = 60_000;

/**
 * One replica of the demo orders API (apps/demo-api) as its own Node process, run from source as
 * an operator would: `node -r @swc-node/register apps/demo-api/src/main.ts`, configured by
 * environment only (libs/config/src/resource-server.config.ts). Its output is kept for failure
 * reports; on Linux it is spawned through `setpriv --pdeathsig KILL`, so it never outlives jest.
 */
export class DemoApiReplica {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private buffer = '';

  private constructor(
    readonly label: string,
    readonly port: number,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  /** Spawns the replica and resolves once it answers /health/live (its mirror is built then). */
  static async start(
    label: string,
    env: Readonly<Record<string, string>>,
  ): Promise<DemoApiReplica> {
    const replica = new DemoApiReplica(label, await freePort(), env);
    await replica.start();
    return replica;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.label} already runs`);
    const env: Record<string, string> = { NO_COLOR: '1' };
    for (const name of INHERITED) if (process.env[name]) env[name] = process.env[name]!;
    Object.assign(env, this.env, { PORT: String(this.port) });
    const [command, args] = withParentDeathSignal(process.execPath, [
      '-r',
      '@swc-node/register',
      'apps/demo-api/src/main.ts',
    ]);
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const append = (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      if (this.buffer.length > OUTPUT_LIMIT) this.buffer = this.buffer.slice(-OUTPUT_LIMIT / 2);
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = null;
        this.buffer += `[test] ${this.label} pid ${child.pid} exited: ${signal ?? code}\n`;
        done();
      }),
    );
    const deadline = Date.now() + LIVE_TIMEOUT_MS;
    for (;;) {
      if (!this.child) throw new Error(`${this.label} exited during start-up\n${this.output()}`);
      const res = await fetch(`${this.url}/health/live`, {
        signal: AbortSignal.timeout(1000),
      }).catch(() => undefined);
      if (res?.status === 200) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`${this.label} not live after ${LIVE_TIMEOUT_MS} ms\n${this.output()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM (Nest closes the validator), SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited.finally(() => clearTimeout(timer));
  }

  output(lines = 60): string {
    const text = this.buffer.split('\n').slice(-lines).join('\n');
    return `----- ${this.label} (port ${this.port}) output -----\n${text || '(none)'}\n`;
  }
}

let setpriv: string | null | undefined;
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  if (setpriv === undefined)
    setpriv =
      process.platform === 'linux'
        ? (['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null)
        : null;
  return setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
}
