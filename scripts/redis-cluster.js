'use strict';
/**
 * A real Redis Cluster for tests and development: six Debian `redis-server` processes
 * (cluster-enabled, three primaries with one replica each) on free 127.0.0.1 ports, in temp
 * dirs, joined by `redis-cli --cluster create`.
 *
 *   const { ensureRedisCluster } = require('./scripts/redis-cluster');
 *   const cluster = await ensureRedisCluster({ log: console.log });
 *   // { nodes: '127.0.0.1:p1,…', started, stop, servers, primaryOf(key), waitUntilOk() }
 *
 * REDIS_CLUSTER_NODES is used instead when it is set and its cluster answers with
 * cluster_state:ok. Like scripts/infra.js, the servers never outlive the Node process that
 * started them (SIGKILLed on exit, and spawned under `setpriv --pdeathsig KILL`).
 *
 * CLI: node scripts/redis-cluster.js up   print REDIS_CLUSTER_NODES=…, run until SIGINT/SIGTERM
 */
const path = require('path');
const timers = require('timers');
const { setTimeout: sleep } = require('timers/promises');
const { plumbing } = require('./infra');

const {
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
} = plumbing;

const PRIMARIES = 3;
const REPLICAS_PER_PRIMARY = 1;
const READY_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 3_000;
/**
 * How long a primary may be unreachable before the cluster fails it over. Short, so that the
 * failover spec waits seconds rather than the 15 s default; long enough that a busy 2-core
 * machine does not fail over a node that was only slow.
 */
const NODE_TIMEOUT_MS = 2_000;

/**
 * A reachable Redis Cluster: REDIS_CLUSTER_NODES if it answers cluster_state:ok, else one
 * started here.
 * @param {{ log?: Function | { info: Function } }} [options]
 */
async function ensureRedisCluster({ log } = {}) {
  const say = toLogger(log);
  const external = process.env.REDIS_CLUSTER_NODES;
  if (external) {
    const seeds = external.split(',').map((s) => s.trim());
    if (await clusterOk(seeds).catch(() => false)) {
      say(`using REDIS_CLUSTER_NODES=${external}`);
      return { nodes: external, started: false, stop: async () => {}, servers: [] };
    }
    say(`REDIS_CLUSTER_NODES=${external} is not an ok cluster; starting a local one instead`);
  }
  return startCluster(say);
}

/**
 * A cluster of the caller's own, whatever REDIS_CLUSTER_NODES says: fault tests kill its nodes.
 * @param {{ log?: Function | { info: Function } }} [options]
 */
function startOwnCluster({ log } = {}) {
  return startCluster(toLogger(log));
}

async function startCluster(say) {
  const redisServer = findCommand('redis-server', REDIS_HINT);
  const redisCli = findCommand('redis-cli', REDIS_HINT);
  const count = PRIMARIES * (1 + REPLICAS_PER_PRIMARY);
  // The cluster bus needs a port of its own too; pinned (cluster-port) rather than port+10000,
  // which may fall in the kernel's ephemeral range.
  const ports = await pickFreePorts(count * 2);
  const dir = makeTempDir('redis-cluster');
  const servers = ports.slice(0, count).map((port, i) => {
    const nodeDir = path.join(dir, String(port));
    require('fs').mkdirSync(nodeDir);
    const proc = new ManagedProcess({
      name: `redis-cluster-${port}`,
      command: redisServer,
      // No persistence: a killed node comes back empty and resyncs from its shard's primary.
      args: [
        ...['--port', String(port), '--cluster-port', String(ports[count + i])],
        ...['--bind', '127.0.0.1', '--cluster-enabled', 'yes'],
        ...['--cluster-config-file', 'nodes.conf'],
        ...['--cluster-node-timeout', String(NODE_TIMEOUT_MS)],
        ...['--save', '', '--appendonly', 'no', '--dir', nodeDir, '--daemonize', 'no'],
        // A replica syncs at once instead of after the default 5 s wait for more replicas.
        ...['--repl-diskless-sync-delay', '0'],
      ],
      cwd: nodeDir,
      logFile: path.join(nodeDir, 'redis.log'),
      say,
    });
    return serverHandle(proc, port);
  });
  const unregister = onParentExit(() => {
    servers.forEach((s) => s.proc.killNow());
    removeDir(dir);
  });
  const stop = async () => {
    await Promise.all(servers.map((s) => s.proc.stop(STOP_GRACE_MS)));
    removeDir(dir);
    unregister();
  };

  const seeds = servers.map((s) => `127.0.0.1:${s.port}`);
  try {
    await Promise.all(servers.map((s) => s.start()));
    await run(redisCli, [
      ...['--cluster', 'create', ...seeds],
      ...['--cluster-replicas', String(REPLICAS_PER_PRIMARY), '--cluster-yes'],
    ]);
    await waitUntilOk(seeds);
  } catch (err) {
    await stop();
    throw err;
  }
  const nodes = seeds.join(',');
  say(`redis cluster ${nodes} ready (dir ${dir})`);
  return {
    nodes,
    started: true,
    stop,
    servers,
    dir,
    waitUntilOk: (timeoutMs) => waitUntilOk(seeds, timeoutMs),
    /** The server currently serving `key`'s slot as its primary. */
    primaryOf: async (key) => {
      const port = await primaryPortOf(seeds, key);
      return servers.find((s) => s.port === port);
    },
  };
}

/** One cluster node: its process, restartable with the same arguments and data dir. */
function serverHandle(proc, port) {
  const url = `redis://127.0.0.1:${port}`;
  return {
    proc,
    port,
    get pid() {
      return proc.pid;
    },
    get running() {
      return proc.running;
    },
    start: async () => {
      if (proc.running) return;
      proc.start();
      await waitUntilReady(proc, READY_TIMEOUT_MS, () => answers(url));
    },
    /** SIGKILL, the way a crashed machine leaves: no goodbye to the cluster bus. */
    kill: async () => {
      proc.stopping = true; // wanted: not worth an "exited unexpectedly" line
      proc.killNow();
      await proc.exited;
    },
  };
}

/**
 * Every node of the cluster sees cluster_state:ok (slots all covered, a quorum of primaries),
 * every replica has synced with its primary (a replica that never synced cannot take over), and
 * every node's CLUSTER SLOTS lists every synced replica. A node lists a replica only once gossip
 * has brought it the replica's offset, a second or so after the sync: until then every node,
 * the replicas included, answers each shard without its replica, and a client that learns its
 * slot map there takes every shard for unreplicated (its writes then wait for no replica).
 */
async function waitUntilOk(seeds, timeoutMs = READY_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await clusterOk(seeds)) return;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(
    `redis cluster not ok within ${timeoutMs / 1000} s${last ? ` (${last.message})` : ''}`,
  );
}

/**
 * The live seeds all say cluster_state:ok, their replicas are in sync and each lists them all in
 * its slot map; dead ones are skipped.
 */
async function clusterOk(seeds) {
  const live = [];
  for (const seed of seeds) {
    const view = await withNode(seed, async (c) => ({
      info: `${await c.cluster('INFO')}${await c.info('replication')}`,
      listed: replicasListed(await c.cluster('SLOTS')),
    })).catch(() => null);
    if (view !== null) live.push(view);
  }
  const synced = (info) => !isReplica(info) || /^master_link_status:up\r?$/m.test(info);
  const replicas = live.filter(({ info }) => isReplica(info)).length;
  return (
    live.length > 0 &&
    live.every(({ info }) => /^cluster_state:ok\r?$/m.test(info) && synced(info)) &&
    live.every(({ listed }) => listed === replicas)
  );
}

const isReplica = (info) => /^role:slave\r?$/m.test(info);

/** How many replicas CLUSTER SLOTS lists, over all slot ranges (a primary, then its replicas). */
const replicasListed = (ranges) => ranges.reduce((n, range) => n + range.length - 3, 0);

async function primaryPortOf(seeds, key) {
  for (const seed of seeds) {
    const slot = await withNode(seed, (c) => c.cluster('KEYSLOT', key)).catch(() => null);
    if (slot === null) continue;
    const shards = await withNode(seed, (c) => c.cluster('SLOTS'));
    const shard = shards.find(([from, to]) => slot >= from && slot <= to);
    if (shard) return Number(shard[2][1]);
  }
  throw new Error(`no live node knows the slot of ${key}`);
}

async function answers(url) {
  return withNode(url.replace('redis://', ''), async (c) => (await c.ping()) === 'PONG');
}

/** One connection to one node (not the cluster client): connect, ask, disconnect. */
async function withNode(hostPort, fn) {
  const Redis = require('ioredis');
  const [host, port] = hostPort.split(':');
  const client = new Redis({
    host,
    port: Number(port),
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {}); // failures surface through the promises below
  try {
    await withTimeout(client.connect(), PROBE_TIMEOUT_MS, `redis ${hostPort} timed out`);
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

async function cliUp() {
  const cluster = await ensureRedisCluster({ log: (msg) => console.error(msg) });
  console.log(`REDIS_CLUSTER_NODES=${cluster.nodes}`);
  const keepAlive = timers.setInterval(() => {}, 1 << 30); // children are unref'd
  const signalName = await new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  console.error(`[infra] ${signalName}: stopping`);
  await cluster.stop();
  timers.clearInterval(keepAlive);
}

if (require.main === module) {
  if (process.argv[2] !== 'up') {
    console.error('usage: node scripts/redis-cluster.js up');
    process.exitCode = 2;
  } else {
    cliUp().catch((err) => {
      console.error(`[infra] ${err.message}`);
      process.exit(1); // 'exit' handlers kill anything half-started
    });
  }
}

module.exports = { ensureRedisCluster, startOwnCluster, NODE_TIMEOUT_MS };
