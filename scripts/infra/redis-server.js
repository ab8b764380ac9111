'use strict';
/** A Redis for tests and development: REDIS_URL when it answers, else a redis-server started here. */
const path = require('path');
const {
  ManagedProcess,
  STOP_GRACE_MS,
  externalHandle,
  findCommand,
  onParentExit,
  toLogger,
  waitUntilReady,
  withTimeout,
} = require('./processes');
const { pickFreePorts } = require('./ports');
const { makeTempDir, removeDir } = require('./state');

const REDIS_READY_TIMEOUT_MS = 15_000;
const EXTERNAL_PROBE_TIMEOUT_MS = 5_000;
const REDIS_HINT =
  'redis-server not found: install it with `apt-get install -y redis-server` (Debian/Ubuntu) or set REDIS_URL';

/**
 * A reachable Redis: REDIS_URL if it answers PING, else a redis-server started here.
 * @param {{ log?: Function | { info: Function } }} [options]
 */
async function ensureRedis({ log } = {}) {
  const say = toLogger(log);
  const external = process.env.REDIS_URL;
  if (external) {
    if (await redisAnswers(external).catch(() => false)) {
      say(`using REDIS_URL=${external}`);
      return externalHandle({ url: external }, 'REDIS_URL', ['stopServer', 'startServer']);
    }
    say(`REDIS_URL=${external} does not answer PING; starting a local redis-server instead`);
  }
  return startOwnRedis(say);
}

async function startOwnRedis(say) {
  const redisServer = findCommand('redis-server', REDIS_HINT);
  const [port] = await pickFreePorts(1);
  const dir = makeTempDir('redis');
  const url = `redis://127.0.0.1:${port}`;
  const proc = new ManagedProcess({
    name: 'redis',
    command: redisServer,
    // No persistence at all: a restart (outage test) comes back empty.
    args: [
      ...['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      ...['--dir', dir, '--daemonize', 'no'],
    ],
    cwd: dir,
    logFile: path.join(dir, 'redis.log'),
    say,
  });
  const unregister = onParentExit(() => {
    proc.killNow();
    removeDir(dir);
  });

  const startServer = async () => {
    if (proc.running) return;
    proc.start();
    await waitUntilReady(proc, REDIS_READY_TIMEOUT_MS, () => redisAnswers(url));
    say(`redis ${url} ready (pid ${proc.pid}, dir ${dir})`);
  };
  const stopServer = () => proc.stop(STOP_GRACE_MS);
  const stop = async () => {
    await proc.stop(STOP_GRACE_MS);
    removeDir(dir);
    unregister();
  };

  try {
    await startServer();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    started: true,
    stop,
    stopServer,
    startServer,
    get pid() {
      return proc.pid;
    },
    port,
    dir,
  };
}

/** One attempt: connect and PING, nothing queued or retried. */
async function redisAnswers(url) {
  const Redis = require('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {}); // failures surface through the promises below
  try {
    await withTimeout(client.connect(), EXTERNAL_PROBE_TIMEOUT_MS, `redis ${url} timed out`);
    return (await client.ping()) === 'PONG';
  } finally {
    client.disconnect();
  }
}

module.exports = { REDIS_HINT, ensureRedis, redisAnswers };
