'use strict';
/**
 * Local infrastructure for tests and development: a real Apache Kafka broker
 * (single-node KRaft, jars from Maven Central, no Docker) and a Redis.
 *
 *   const { ensureKafka, ensureRedis } = require('./scripts/infra');
 *   const kafka = await ensureKafka({ log: console.log }); // { brokers, started, stop, stopBroker, startBroker }
 *   const redis = await ensureRedis({ log: console.log }); // { url, started, stop, stopServer, startServer }
 *
 * KAFKA_BROKERS / REDIS_URL are used instead when set and reachable.
 *
 * CLI:
 *   node scripts/infra.js up      start both, print KAFKA_BROKERS=/REDIS_URL=, run until SIGINT/SIGTERM
 *   node scripts/infra.js fetch   only download the Kafka jars (CI cache warm-up)
 *
 * Processes started here never outlive the Node process that started them:
 * they are SIGKILLed from process.on('exit') and, on Linux, are also spawned
 * through `setpriv --pdeathsig KILL` so that even a SIGKILLed parent takes
 * them along.
 */
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const timers = require('timers');
const { setTimeout: sleep } = require('timers/promises');

const POM = path.join(__dirname, 'kafka', 'pom.xml');
const KAFKA_VERSION = readKafkaVersion();
const CACHE_DIR = path.join(
  process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
  'token-lifecycle',
);
const KAFKA_LIBS = path.join(CACHE_DIR, `kafka-${KAFKA_VERSION}`, 'libs');
const STATE_FILE = path.join(CACHE_DIR, 'infra-state.json');
/** Written into the libs dir last, so a dir without it is an interrupted fetch. */
const FETCH_MARKER = '.fetch-complete';
const TMP_PREFIX = 'token-lifecycle-';

const KAFKA_READY_TIMEOUT_MS = 90_000;
const REDIS_READY_TIMEOUT_MS = 15_000;
const EXTERNAL_PROBE_TIMEOUT_MS = 5_000;
const STOP_GRACE_MS = 15_000;
/** Topic created by the readiness probe: proves the controller path works, not only the socket. */
const READY_TOPIC = 'infra-readiness';
/** What kafka-server-start.sh / kafka-run-class.sh would use, with a small heap. */
const KAFKA_JVM_OPTS = [
  '-Xmx512m',
  '-Xms256m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:-UsePerfData', // no /tmp/hsperfdata_* litter
  '-Djava.awt.headless=true',
];
const REDIS_HINT =
  'redis-server not found: install it with `apt-get install -y redis-server` (Debian/Ubuntu) or set REDIS_URL';
const JAVA_HINT =
  'java not found: install a JDK 17+ (e.g. `apt-get install -y openjdk-17-jre-headless`), set JAVA_HOME, or set KAFKA_BROKERS';
const QUIET_LOG4J = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  '',
].join('\n');
const MVN_HINT =
  'mvn not found: install Maven (e.g. `apt-get install -y maven`) to fetch the Kafka jars, or set KAFKA_BROKERS';

// ---------------------------------------------------------------------------
// Kafka
// ---------------------------------------------------------------------------

/**
 * A reachable Kafka: KAFKA_BROKERS if it answers, else a broker started here.
 * @param {{ log?: Function | { info: Function } }} [options]
 */
async function ensureKafka({ log } = {}) {
  const say = toLogger(log);
  const external = process.env.KAFKA_BROKERS;
  if (external) {
    if (await kafkaReachable(external)) {
      say(`using KAFKA_BROKERS=${external}`);
      return externalHandle({ brokers: external }, 'KAFKA_BROKERS', ['stopBroker', 'startBroker']);
    }
    say(`KAFKA_BROKERS=${external} is not reachable; starting a local broker instead`);
  }
  return startOwnKafka(say);
}

async function startOwnKafka(say) {
  const libs = await ensureKafkaJars({ log: say });
  const java = findJava();
  const [port, controllerPort] = await pickFreePorts(2);
  const brokers = `127.0.0.1:${port}`;
  const dir = makeTempDir('kafka');
  let args;
  try {
    args = await prepareKafkaDir({ java, libs, dir, port, controllerPort });
  } catch (err) {
    removeDir(dir);
    throw err;
  }
  const proc = new ManagedProcess({
    name: 'kafka',
    command: java,
    args,
    cwd: dir,
    logFile: path.join(dir, 'kafka.log'),
    say,
  });
  const unregister = onParentExit(() => {
    proc.killNow();
    removeDir(dir);
  });

  const startBroker = async () => {
    if (proc.running) return;
    const t0 = Date.now();
    proc.start();
    await waitUntilReady(proc, KAFKA_READY_TIMEOUT_MS, () => kafkaServes(brokers));
    say(`kafka ${brokers} ready in ${Date.now() - t0} ms (pid ${proc.pid}, dir ${dir})`);
  };
  const stopBroker = () => proc.stop(STOP_GRACE_MS);
  const stop = async () => {
    await proc.stop(STOP_GRACE_MS);
    removeDir(dir);
    unregister();
  };

  try {
    await startBroker();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    brokers,
    started: true,
    stop,
    stopBroker,
    startBroker,
    get pid() {
      return proc.pid;
    },
    ports: { broker: port, controller: controllerPort },
    dir,
  };
}

/**
 * Writes the configs, formats the storage, and returns the broker's java arguments.
 * The broker's own log4j goes to stdout, which ManagedProcess appends to
 * kafka.log together with anything the JVM itself prints (OOM, bad flags...).
 */
async function prepareKafkaDir({ java, libs, dir, port, controllerPort }) {
  const properties = path.join(dir, 'server.properties');
  const log4j = path.join(dir, 'log4j.properties');
  fs.writeFileSync(properties, kafkaProperties({ dir, port, controllerPort }));
  fs.writeFileSync(log4j, QUIET_LOG4J);
  const common = ['-cp', `${libs}${path.sep}*`, `-Dlog4j.configuration=file:${log4j}`];
  const format = ['kafka.tools.StorageTool', 'format', '-t', randomClusterId(), '-c', properties];
  await run(java, ['-Xmx256m', '-XX:-UsePerfData', ...common, ...format], { cwd: dir });
  return [...KAFKA_JVM_OPTS, ...common, 'kafka.Kafka', properties];
}

/** KRaft combined broker+controller (server.properties). */
function kafkaProperties({ dir, port, controllerPort }) {
  const properties = {
    'node.id': 1,
    'process.roles': 'broker,controller',
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    'log.dirs': path.join(dir, 'data'),
    'num.partitions': 3,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
  };
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');
}

/** Same shape as kafka.tools.StorageTool random-uuid, without paying for a JVM start. */
function randomClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    // Kafka's Uuid.randomUuid() rejects ids starting with '-' (they look like CLI flags).
    if (!id.startsWith('-')) return id;
  }
}

/** One quick attempt: broker answers describeCluster. */
async function kafkaReachable(brokers) {
  return withKafkaAdmin(brokers, async (admin) => {
    await admin.describeCluster();
    return true;
  }).catch(() => false);
}

/** One attempt: broker answers, can create a topic and has a leader for it. */
async function kafkaServes(brokers) {
  return withKafkaAdmin(brokers, async (admin) => {
    await admin.describeCluster();
    await admin.createTopics({
      topics: [{ topic: READY_TOPIC, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: false, // kafkajs' own wait would use retries; we poll instead
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: [READY_TOPIC] });
    return topics[0].partitions.every((p) => p.leader >= 0);
  });
}

async function withKafkaAdmin(brokers, fn) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'infra-probe',
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 }, // callers poll; kafkajs retries would only hide the deadline
  });
  const admin = kafka.admin();
  try {
    return await withTimeout(
      (async () => {
        await admin.connect();
        return fn(admin);
      })(),
      EXTERNAL_PROBE_TIMEOUT_MS,
      `kafka ${brokers} did not answer within ${EXTERNAL_PROBE_TIMEOUT_MS} ms`,
    );
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * The Kafka jars in the user cache, fetched with Maven when absent.
 * Maven writes into a private `libs.partial-<pid>` dir that is renamed into place
 * only once complete, so an interrupted or concurrent fetch never leaves a
 * half-filled `libs` behind.
 */
async function ensureKafkaJars({ log } = {}) {
  const say = toLogger(log);
  if (fs.existsSync(path.join(KAFKA_LIBS, FETCH_MARKER))) return KAFKA_LIBS;
  const mvn = findCommand('mvn', MVN_HINT);
  sweepAbandonedFetches();
  const partial = `${KAFKA_LIBS}.partial-${process.pid}`;
  removeDir(partial);
  say(`fetching Kafka ${KAFKA_VERSION} jars from Maven Central into ${KAFKA_LIBS} ...`);
  const t0 = Date.now();
  try {
    await run(mvn, [
      ...['-q', '-B', '-Dstyle.color=never', '-f', POM],
      'dependency:copy-dependencies',
      `-DoutputDirectory=${partial}`,
    ]);
    if (!fs.existsSync(path.join(partial, `kafka_2.13-${KAFKA_VERSION}.jar`))) {
      throw new Error(
        `Maven finished but kafka_2.13-${KAFKA_VERSION}.jar is missing in ${partial}`,
      );
    }
    fs.writeFileSync(path.join(partial, FETCH_MARKER), `${new Date().toISOString()}\n`);
    commitDir(partial, KAFKA_LIBS);
  } finally {
    removeDir(partial);
  }
  say(`fetched Kafka jars in ${Date.now() - t0} ms`);
  return KAFKA_LIBS;
}

/** Atomically move a completed fetch into place; a concurrent winner is kept. */
function commitDir(from, to) {
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    if (fs.existsSync(path.join(to, FETCH_MARKER))) return; // another process won the race
    removeDir(to); // stale, incomplete dir from an older layout or a manual copy
    fs.renameSync(from, to);
  }
}

function sweepAbandonedFetches() {
  const parent = path.dirname(KAFKA_LIBS);
  if (!fs.existsSync(parent)) return;
  for (const name of fs.readdirSync(parent)) {
    const match = /^libs\.partial-(\d+)$/.exec(name);
    if (match && !isAlive(Number(match[1]))) removeDir(path.join(parent, name));
  }
}

function readKafkaVersion() {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!match) throw new Error(`${POM} has no <kafka.version> property`);
  return match[1].trim();
}

function findJava() {
  const home = process.env.JAVA_HOME;
  const fromHome = home && path.join(home, 'bin', 'java');
  if (fromHome && isExecutable(fromHome)) return fromHome;
  return findCommand('java', JAVA_HINT);
}

// ---------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Shared plumbing
// ---------------------------------------------------------------------------

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

/**
 * Free 127.0.0.1 ports, chosen below the kernel's ephemeral range on purpose:
 * while a server is stopped for an outage test, its port must not be taken as
 * the source port of some outgoing connection (or a TCP self-connect of a
 * client retrying against it), or the restart fails with EADDRINUSE.
 */
async function pickFreePorts(count) {
  const [ephemeralLow] = ephemeralPortRange();
  const low = 20_000;
  const held = [];
  try {
    for (let attempt = 0; held.length < count && attempt < 200; attempt++) {
      const port = ephemeralLow > low + 1_000 ? low + crypto.randomInt(ephemeralLow - low) : 0;
      const server = await listenOn(port);
      if (server) held.push(server);
    }
    if (held.length < count) throw new Error(`could not find ${count} free TCP ports`);
    return held.map((server) => server.address().port);
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

function ephemeralPortRange() {
  try {
    const text = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    return text.trim().split(/\s+/).map(Number);
  } catch {
    return [49152, 65535]; // IANA range (macOS and others)
  }
}

function listenOn(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

/** Temp dir with an owner.pid, so dirs of crashed parents can be swept later. */
function makeTempDir(kind) {
  sweepAbandonedTempDirs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TMP_PREFIX}${kind}-`));
  fs.writeFileSync(path.join(dir, 'owner.pid'), `${process.pid}\n`);
  return dir;
}

function sweepAbandonedTempDirs() {
  if (sweepAbandonedTempDirs.done) return;
  sweepAbandonedTempDirs.done = true;
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      const owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
      if (owner && !isAlive(owner)) removeDir(dir);
    } catch {
      // no owner.pid (yet): leave it alone
    }
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

function removeDir(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // best effort; sweepAbandonedTempDirs catches leftovers
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

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

async function cliUp() {
  const log = (msg) => console.error(msg);
  const [kafka, redis] = await startAll({ log });
  console.log(`KAFKA_BROKERS=${kafka.brokers}`);
  console.log(`REDIS_URL=${redis.url}`);
  writeState({ kafka, redis });

  const keepAlive = timers.setInterval(() => {}, 1 << 30); // children are unref'd
  const signalName = await new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  log(`[infra] ${signalName}: stopping`);
  await Promise.all([kafka.stop(), redis.stop()]);
  removeState();
  timers.clearInterval(keepAlive);
}

/** Start both concurrently; if one fails, stop the other before rethrowing. */
async function startAll(options) {
  const results = await Promise.allSettled([ensureKafka(options), ensureRedis(options)]);
  const failed = results.find((r) => r.status === 'rejected');
  if (!failed) return results.map((r) => r.value);
  await Promise.all(results.filter((r) => r.status === 'fulfilled').map((r) => r.value.stop()));
  throw failed.reason;
}

function writeState({ kafka, redis }) {
  const state = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    kafka: pick(kafka, ['brokers', 'started', 'pid', 'ports', 'dir']),
    redis: pick(redis, ['url', 'started', 'pid', 'port', 'dir']),
  };
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  fs.writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

function removeState() {
  try {
    if (JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')).pid === process.pid) fs.rmSync(STATE_FILE);
  } catch {
    // absent or not ours
  }
}

function pick(object, keys) {
  return Object.fromEntries(keys.filter((k) => object[k] !== undefined).map((k) => [k, object[k]]));
}

async function cli(command) {
  if (command === 'up') return cliUp();
  if (command === 'fetch') {
    console.log(await ensureKafkaJars({ log: (msg) => console.error(msg) }));
    return;
  }
  console.error('usage: node scripts/infra.js up | fetch');
  process.exitCode = 2;
}

if (require.main === module) {
  cli(process.argv[2]).catch((err) => {
    console.error(`[infra] ${err.message}`);
    process.exit(1); // 'exit' handlers kill anything half-started
  });
}

module.exports = {
  ensureKafka,
  ensureRedis,
  ensureKafkaJars,
  KAFKA_VERSION,
  KAFKA_LIBS,
  STATE_FILE,
  // The process plumbing, for scripts/redis-cluster.js: one way to start, watch and clean up.
  plumbing: {
    ManagedProcess,
    REDIS_HINT,
    STOP_GRACE_MS,
    findCommand,
    makeTempDir,
    onParentExit,
    pickFreePorts,
    removeDir,
    run,
    toLogger,
    waitUntilReady,
    withTimeout,
  },
};
