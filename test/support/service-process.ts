import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from './free-port';

const ROOT = resolve(__dirname, '../..');
export type ServiceName =
  'issuance' | 'introspection' | 'revocation' | 'authorization' | 'login' | 'standalone';

/** Environment every service process gets; nothing else leaks in from the test runner. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'XDG_CACHE_HOME', 'SWC_NODE_PROJECT'];
const OUTPUT_LIMIT = 512 * 1024;
const STOP_GRACE_MS = 10_000;
const LIVE_TIMEOUT_MS = 60_000;

export interface ServiceProcessOptions {
  readonly service: ServiceName;
  /** Service configuration (ISSUER, CONFIG_FILE, KAFKA_BROKERS...); PORT is set here. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Default: a free port, kept across restarts. */
  readonly port?: number;
  /** Names the process in its captured output; default the service name. */
  readonly label?: string;
  /** How long start() waits for /health/live. */
  readonly liveTimeoutMs?: number;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One service as its own Node process, exactly as operators run it from source:
 * `node -r @swc-node/register apps/<service>/src/main.ts`, configured by environment only.
 * stdout and stderr go to one in-memory buffer (see `output()`); the process can be killed with
 * any signal and started again on the same port. On Linux it is spawned through
 * `setpriv --pdeathsig KILL` so it never outlives the test runner, even a SIGKILLed one.
 */
export class ServiceProcess {
  readonly label: string;
  private child: ChildProcess | null = null;
  private exitedPromise: Promise<ExitStatus> = Promise.resolve({ code: null, signal: null });
  private buffer = '';
  private starts = 0;
  private readonly allPids: number[] = [];

  private constructor(
    private readonly options: ServiceProcessOptions,
    readonly port: number,
  ) {
    this.label = options.label ?? options.service;
  }

  /** Spawns the service and resolves once it answers /health/live. */
  static async start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    const proc = new ServiceProcess(options, options.port ?? (await freePort()));
    await proc.start();
    return proc;
  }

  /** Makes the handle (and picks the port) without spawning, e.g. to know the URL first. */
  static async prepare(options: ServiceProcessOptions): Promise<ServiceProcess> {
    return new ServiceProcess(options, options.port ?? (await freePort()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Every pid this service ran as, oldest first (events name it in their `source`). */
  get pids(): readonly number[] {
    return [...this.allPids];
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Resolves with the exit status of the current (or last) incarnation. */
  get exited(): Promise<ExitStatus> {
    return this.exitedPromise;
  }

  /**
   * Spawns the service (again, on the same port and with the same environment) and waits for
   * /health/live. Resolves with how long that took in ms. Fails fast, with the captured output,
   * if the process exits first.
   */
  async start(): Promise<number> {
    if (this.child) throw new Error(`${this.label} is already running (pid ${this.child.pid})`);
    const t0 = Date.now();
    this.spawnChild();
    const timeoutMs = this.options.liveTimeoutMs ?? LIVE_TIMEOUT_MS;
    const deadline = t0 + timeoutMs;
    let lastError = '';
    for (;;) {
      if (!this.child) {
        const status = await this.exitedPromise;
        throw new Error(
          `${this.label} exited during start-up (${describe(status)})\n${this.output(40)}`,
        );
      }
      try {
        const res = await fetch(`${this.url}/health/live`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return Date.now() - t0;
        lastError = `HTTP ${res.status}`;
      } catch (e) {
        lastError = (e as Error).message;
      }
      if (Date.now() >= deadline) {
        await this.kill('SIGKILL');
        throw new Error(
          `${this.label} did not answer /health/live within ${timeoutMs} ms (${lastError})\n` +
            this.output(40),
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Sends `signal` and resolves once the process has exited (at once if it is not running). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitStatus> {
    const child = this.child;
    if (!child) return this.exitedPromise;
    this.note(`kill ${signal} pid ${child.pid}`);
    child.kill(signal);
    return this.exitedPromise;
  }

  /** SIGTERM (graceful: Nest closes the bus and the store), SIGKILL after a grace period. */
  async stop(graceMs = STOP_GRACE_MS): Promise<ExitStatus> {
    const child = this.child;
    if (!child) return this.exitedPromise;
    const exited = this.exitedPromise;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), graceMs)));
    const status = await Promise.race([exited, late]).finally(() => clearTimeout(timer));
    if (status === null) {
      this.note(`ignored SIGTERM for ${graceMs} ms: SIGKILL`);
      child.kill('SIGKILL');
      return exited;
    }
    return status;
  }

  /** The captured output (stdout and stderr interleaved), or its last `lines` lines. */
  output(lines?: number): string {
    const header = `----- ${this.label} (port ${this.port}) output -----\n`;
    const text =
      lines === undefined ? this.buffer : this.buffer.split('\n').slice(-lines).join('\n');
    return header + (text || '(none)\n');
  }

  private spawnChild(): void {
    const env: Record<string, string> = { KAFKAJS_NO_PARTITIONER_WARNING: '1', NO_COLOR: '1' };
    for (const name of INHERITED) if (process.env[name]) env[name] = process.env[name]!;
    for (const [name, value] of Object.entries(this.options.env))
      if (value !== undefined) env[name] = value;
    env.PORT = String(this.port);

    const args = ['-r', '@swc-node/register', `apps/${this.options.service}/src/main.ts`];
    const [command, argv] = withParentDeathSignal(process.execPath, args);
    const child = spawn(command, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.starts++;
    this.child = child;
    if (child.pid !== undefined) this.allPids.push(child.pid);
    this.note(`start #${this.starts} pid ${child.pid}`);
    const append = (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      if (this.buffer.length > OUTPUT_LIMIT) this.buffer = this.buffer.slice(-OUTPUT_LIMIT / 2);
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    this.exitedPromise = new Promise<ExitStatus>((resolveExit) => {
      const done = (status: ExitStatus) => {
        if (this.child === child) this.child = null;
        this.note(`pid ${child.pid} exited: ${describe(status)}`);
        resolveExit(status);
      };
      child.once('exit', (code, signal) => done({ code, signal }));
      child.once('error', (e) => {
        append(Buffer.from(`spawn error: ${e.message}\n`));
        done({ code: null, signal: null });
      });
    });
  }

  private note(line: string): void {
    this.buffer += `[test ${new Date().toISOString()}] ${this.label}: ${line}\n`;
  }
}

/**
 * Wraps a test body: when it fails, the captured output of the given processes is printed to
 * stderr (and appended to the error message), so a failure explains itself.
 */
export function withServiceOutput(
  processes: () => ReadonlyArray<ServiceProcess | undefined>,
  body: () => Promise<void>,
  lines = 80,
): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (e) {
      const outputs = processes()
        .filter((p): p is ServiceProcess => p !== undefined)
        .map((p) => p.output(lines))
        .join('\n');
      process.stderr.write(`\n${outputs}\n`);
      if (e instanceof Error) e.message += `\n\n${outputs}`;
      throw e;
    }
  };
}

/** Stops every process given, in parallel, whatever state each is in; never throws. */
export async function stopAll(
  processes: ReadonlyArray<ServiceProcess | undefined>,
  graceMs = 5_000,
): Promise<void> {
  await Promise.allSettled(processes.map((p) => p?.stop(graceMs)));
}

function describe(s: ExitStatus): string {
  return s.signal ? `signal ${s.signal}` : `code ${s.code}`;
}

let setpriv: string | null | undefined;
function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  if (setpriv === undefined) {
    setpriv =
      process.platform === 'linux'
        ? (['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null)
        : null;
  }
  return setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
}
