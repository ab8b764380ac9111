'use strict';
/**
 * Child processes of the local engines: started with their output in a log file, restartable
 * with the same arguments, and never outliving the Node process that started them (SIGKILLed
 * from process.on('exit') and, on Linux, spawned through `setpriv --pdeathsig KILL`).
 */
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { setTimeout: sleep } = require('timers/promises');

const STOP_GRACE_MS = 15_000;

/** Handle for a service someone else runs: stop() is a no-op, restarts are refused. */
function externalHandle(fields, envName, restartMethods) {
  const refuse = async () => {
    throw new Error(
      `cannot stop/start a service given by ${envName}; outage tests need one started by scripts/infra.js (unset ${envName})`,
    );
  };
  const handle = { ...fields, started: false, stop: async () => {} };
  for (const method of restartMethods) handle[method] = refuse;
  return handle;
}

/** A child process with output appended to a log file, restartable with the same arguments. */
class ManagedProcess {
  constructor({ name, command, args, cwd, logFile, say }) {
    Object.assign(this, { name, command, args, cwd, logFile, say });
    this.child = null;
    this.stopping = false; // an exit while stopping is expected, not worth a log line
    this.exitStatus = null; // set when the current child has exited
    this.exited = Promise.resolve();
  }

  get running() {
    return this.child !== null;
  }

  get pid() {
    return this.child ? this.child.pid : undefined;
  }

  start() {
    const out = fs.openSync(this.logFile, 'a');
    let child;
    try {
      const [command, args] = withParentDeathSignal(this.command, this.args);
      // detached: own process group, so a terminal's Ctrl-C reaches only the
      // parent, which then stops children in order instead of racing them.
      child = spawn(command, args, { cwd: this.cwd, stdio: ['ignore', out, out], detached: true });
    } finally {
      fs.closeSync(out); // the child holds its own copy
    }
    child.unref(); // never keep the parent's event loop alive by itself
    this.child = child;
    this.exitStatus = null;
    this.stopping = false;
    this.exited = new Promise((resolve) => {
      const done = (status) => {
        if (this.child !== child) return;
        this.exitStatus = status;
        this.child = null;
        if (!this.stopping) {
          this.say(`${this.name} (pid ${child.pid}) exited unexpectedly: ${describe(status)}`);
        }
        resolve(status);
      };
      child.once('exit', (code, signal) => done({ code, signal }));
      child.once('error', (error) => done({ error }));
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs) {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    // Unref'd since start: now the exit awaited below must hold the event loop, or a parent with
    // nothing else to do (jest's global teardown) ends right here, with status 0, whatever its
    // own outcome was.
    child.ref();
    signal(child.pid, 'SIGTERM');
    const status = await withTimeout(this.exited, graceMs, null);
    if (status === null && this.child === child) {
      this.say(`${this.name} (pid ${child.pid}) ignored SIGTERM for ${graceMs} ms; killing`);
      signal(child.pid, 'SIGKILL');
      await this.exited;
    }
  }

  /** Synchronous last resort, usable from process.on('exit'). */
  killNow() {
    if (this.child) signal(this.child.pid, 'SIGKILL');
  }
}

/**
 * Linux: wrap with `setpriv --pdeathsig KILL` so the kernel kills the child if
 * the (thread that spawned the) parent dies, even by SIGKILL. setpriv execs the
 * command, so the pid stays that of the real process.
 */
let setprivPath;
function withParentDeathSignal(command, args) {
  if (setprivPath === undefined) {
    setprivPath = process.platform === 'linux' ? findCommand('setpriv', null) : null;
  }
  return setprivPath
    ? [setprivPath, ['--pdeathsig', 'KILL', '--', command, ...args]]
    : [command, args];
}

const exitCleanups = new Set();
let exitHookInstalled = false;
/**
 * Runs `cleanup` (synchronously) if the process exits before unregister() is
 * called. 'exit' also fires after an uncaught exception; it does not fire when
 * the parent is killed by a signal, which is what the pdeathsig wrapper is for.
 */
function onParentExit(cleanup) {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => exitCleanups.forEach((fn) => fn()));
  }
  exitCleanups.add(cleanup);
  return () => exitCleanups.delete(cleanup);
}

/** Poll `probe` until it returns true; fail fast if the process dies, with the log tail. */
async function waitUntilReady(proc, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (!proc.running) {
      throw startupError(proc, `exited during startup: ${describe(proc.exitStatus)}`);
    }
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(250);
  }
  const why = lastError ? ` (last probe error: ${lastError.message})` : '';
  await proc.stop(STOP_GRACE_MS);
  throw startupError(proc, `not ready within ${timeoutMs / 1000} s${why}`);
}

function startupError(proc, message) {
  return new Error(
    `${proc.name} ${message}\n--- last lines of its ${path.basename(proc.logFile)} ---\n${logTail(proc.logFile)}`,
  );
}

function logTail(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n') || '(empty)';
  } catch (err) {
    return `(unreadable: ${err.message})`;
  }
}

/** Run a command to completion; reject with its output on failure. */
function run(command, args, { cwd = os.tmpdir() } = {}) {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = withParentDeathSignal(command, args);
    const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code, sig) => {
      if (code === 0) return resolve(output);
      const status = describe({ code, signal: sig });
      reject(new Error(`${command} ${args.join(' ')} failed: ${status}\n${output.slice(-4000)}`));
    });
  });
}

/** Absolute path of `name` on PATH; throws `hint` (or returns null if hint is null). */
function findCommand(name, hint) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  if (hint === null) return null;
  throw new Error(hint);
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Resolves/rejects like `promise`, or settles with `onTimeout` (rejects if it's a string) after `ms`. */
function withTimeout(promise, ms, onTimeout) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => {
      if (typeof onTimeout === 'string') reject(new Error(onTimeout));
      else resolve(onTimeout);
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(status) {
  if (!status) return 'unknown status';
  if (status.error) return status.error.message;
  return status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
}

function toLogger(log) {
  if (typeof log === 'function') return (msg) => log(`[infra] ${msg}`);
  if (log && typeof log.info === 'function') return (msg) => log.info(`[infra] ${msg}`);
  return () => {};
}

module.exports = {
  ManagedProcess,
  STOP_GRACE_MS,
  describe,
  externalHandle,
  findCommand,
  isAlive,
  isExecutable,
  logTail,
  onParentExit,
  run,
  signal,
  toLogger,
  waitUntilReady,
  withParentDeathSignal,
  withTimeout,
};
