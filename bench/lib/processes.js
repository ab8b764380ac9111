// Server processes for the benchmark: pinned to one core where `taskset` exists, so per-process
// figures compare; output kept for the failure report; peak RSS read from /proc (VmHWM).
const { spawn, spawnSync } = require('node:child_process');
const { appendFileSync, existsSync, mkdirSync, readFileSync } = require('node:fs');
const net = require('node:net');
const { join } = require('node:path');

const HAS_TASKSET = spawnSync('taskset', ['--version']).status === 0;
const SERVER_CORE = '1';
const LOAD_CORE = '0';

function pinned(core, command, args) {
  return HAS_TASKSET ? ['taskset', ['-c', core, command, ...args]] : [command, args];
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The servers started with the profile hook and not stopped yet, by their PORT. */
const live = new Map();

/**
 * Starts (or stops and writes) the CPU profile of the profiled server listening at `url`'s port,
 * the one a load round measures; a no-op unless BENCH_CPU_PROF_DIR is set.
 */
function profiling(url) {
  const port = new URL(url).port;
  for (const [child, p] of live) if (p === port && child.exitCode === null) child.kill('SIGWINCH');
}

/**
 * Notes a measured window (a load round or the paced run) for lib/stall-report.js: which
 * scenario and side loaded the server at `url`, from `start` to `end` (ms since the epoch); a
 * no-op unless BENCH_STALL_DIR is set.
 */
function recordPhase({ scenario, side, phase, url, start, end }) {
  const dir = process.env.BENCH_STALL_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const port = new URL(url).port;
  const line = JSON.stringify({ scenario, side, phase, port, start, end });
  appendFileSync(join(dir, 'phases.jsonl'), line + '\n');
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/**
 * Starts `node <args>` and waits for `readyUrl` (or "ready" on stdout). Pinned to the server core
 * unless `pin: false` (resource-server replicas stand in for separate machines and must not queue
 * behind each other on one core) or `pin: 'load'` (a process that supports the topology but is
 * never the one measured: it shares the load generator's core, not the measured server's). The kernel kills the child with this process, even a SIGKILLed
 * one, where setpriv exists (Linux).
 */
async function startServer(name, nodeArgs, { env = {}, readyUrl, cwd, pin = true } = {}) {
  // BENCH_CPU_PROF_DIR=dir: each server can write V8 CPU profiles of the timed rounds there
  // (lib/profile-hook.js; `profiling()` below starts and stops them by SIGWINCH: Nest's shutdown hooks take SIGUSR2).
  const profiled = Boolean(process.env.BENCH_CPU_PROF_DIR);
  // Its port: PORT, or the bare number the peer and resource-server scripts take as argument.
  const port = String(env.PORT ?? nodeArgs.find((a) => /^\d+$/.test(a)) ?? '');
  if (profiled) nodeArgs = ['-r', join(__dirname, 'profile-hook.js'), ...nodeArgs];
  // BENCH_STALL_DIR=dir: each server logs its event-loop stalls and GC pauses there
  // (lib/stall-hook.js), laid over the phases `recordPhase()` writes by lib/stall-report.js.
  if (process.env.BENCH_STALL_DIR) nodeArgs = ['-r', join(__dirname, 'stall-hook.js'), ...nodeArgs];
  const [node, nodeArgv] = pin
    ? pinned(pin === 'load' ? LOAD_CORE : SERVER_CORE, process.execPath, nodeArgs)
    : [process.execPath, nodeArgs];
  const [cmd, args] = SETPRIV
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', node, ...nodeArgv]]
    : [node, nodeArgv];
  const child = spawn(cmd, args, {
    cwd,
    env: {
      ...process.env,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      LOG_LEVEL: 'warn',
      BENCH_PROF_NAME: name,
      BENCH_SERVER_PORT: port,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let printedReady = false;
  const keep = (d) => {
    output = (output + d).slice(-20_000);
    if (/\bready\b/.test(String(d))) printedReady = true;
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const handle = {
    name,
    pid: child.pid,
    output: () => output,
    /** Peak resident set of the server process in MB. */
    peakRssMb: () => peakRss(child.pid),
    stop: () => {
      live.delete(child);
      return stop(child);
    },
  };
  if (profiled) live.set(child, port);
  const deadline = Date.now() + 90_000;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${name} exited during start:\n${output}`);
      if (readyUrl ? await answers(readyUrl) : printedReady) return handle;
      if (Date.now() > deadline) throw new Error(`${name} did not become ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop(child);
    throw e;
  }
}

async function answers(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.status < 500;
  } catch {
    return false;
  }
}

function peakRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Runs a node script pinned to `core` and returns its JSON output; `input` goes to its standard
 * input (a load spec with thousands of tokens is far over the size of one argument).
 */
function runPinnedJson(core, nodeArgs, input, { cwd } = {}) {
  const [cmd, args] = pinned(core, process.execPath, nodeArgs);
  const out = spawnSync(cmd, args, { cwd, encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  if (out.status !== 0) {
    const script = nodeArgs.find((a) => /\.(c?js|mjs|ts)$/.test(a)) ?? nodeArgs[0];
    throw new Error(`${script} failed (${out.error?.message ?? out.status}):\n${out.stderr}`);
  }
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

module.exports = {
  profiling,
  recordPhase,
  freePort,
  startServer,
  runPinnedJson,
  HAS_TASKSET,
  LOAD_CORE,
  SERVER_CORE,
};
