// Server processes for the propagation benchmark that are NOT pinned to a core: replicas stand
// in for separate machines, so they must not queue behind each other on one core. (The
// per-core figure uses processes.js' pinned startServer instead.)
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const http = require('node:http');

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** Starts `node <nodeArgs>` and waits for `readyUrl` to answer < 500 (or "ready" on stdout). */
async function startUnpinned(name, nodeArgs, { env = {}, readyUrl, cwd } = {}) {
  // The kernel kills the child with this process, even a SIGKILLed one (Linux).
  const [cmd, args] = SETPRIV
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1', LOG_LEVEL: 'warn', ...env },
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
  const handle = { name, pid: child.pid, output: () => output, stop: () => stop(child) };
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

function answers(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode < 500);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
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

module.exports = { startUnpinned };
