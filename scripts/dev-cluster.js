#!/usr/bin/env node
// `npm run dev:cluster`: the production topology on one machine. Kafka and Redis (reused from
// KAFKA_BROKERS / REDIS_URL, else started; with REDIS_CLUSTER_NODES set, that Redis Cluster, or
// one of six local nodes started by scripts/redis-cluster.js when it does not answer), then
// issuance, introspection, revocation, the
// authorization service (the sign-in front channel) and the reference login app as separate
// processes on 3001–3005 sharing one issuer and one KEYS_FILE, and the demo orders API on 4000,
// with one combined log (JSON lines naming their service; other lines prefixed with it). Ctrl-C
// stops everything that was started.
// `npm run dev:cluster -- --ha`: the clustered engines instead, three KRaft brokers replicating
// every topic thrice (KAFKA_BROKERS reused when it lists three) and the Redis Cluster of three
// primaries with a replica each (REDIS_CLUSTER_NODES reused when it answers).
const { spawn, execFileSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { ensureKafka, ensureKafkaCluster, ensureRedis } = require('./infra');
const { ensureRedisCluster } = require('./redis-cluster');
const { ensureBuilt, root } = require('./build-if-needed');
const { ALGS, missingAlgorithms } = require('./generate-keys');
const { clusterLine } = require('./log-format');

const SERVICES = [
  { name: 'issuance', port: 3001 },
  { name: 'introspection', port: 3002 },
  { name: 'revocation', port: 3003 },
  { name: 'authorization', port: 3004 },
  // The reference login app, run apart as a company's own would be: it reaches the login/consent
  // API over HTTP as config/dev.json's `login_provider` client.
  {
    name: 'login',
    port: 3005,
    env: {
      LOGIN_CLIENT_ID: 'login-app',
      LOGIN_CLIENT_SECRET: 'dev-secret-login-app-change-me',
    },
  },
  // The orders API guarded by the resource-server library: see a revocation refused at once.
  // It introspects opaque tokens as its own client of config/dev.json (`introspects` orders).
  {
    name: 'demo-api',
    port: 4000,
    env: {
      RESOURCE_CLIENT_ID: 'orders-api',
      RESOURCE_CLIENT_SECRET: 'dev-secret-orders-api-change-me',
      // Where clients reach it: DPoP proofs name this URL (htu), never the Host header.
      RESOURCE_PUBLIC_URL: 'http://localhost:4000',
    },
  },
];

function devKeysFile() {
  if (process.env.KEYS_FILE) return process.env.KEYS_FILE;
  const dir = join(root, '.dev');
  const file = join(dir, 'keys.json');
  mkdirSync(dir, { recursive: true });
  // A development set made before an algorithm was added (PS256) is replaced by a complete one.
  const missing = existsSync(file) ? missingAlgorithms(file) : ALGS;
  if (missing.length > 0) {
    if (existsSync(file))
      console.log(`${file} has no ${missing.join(', ')} key: making a new development key set`);
    execFileSync(process.execPath, [join(__dirname, 'generate-keys.js'), file]);
  }
  return file;
}

function prefixLines(name, stream, out) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) out.write(`${clusterLine(name, line)}\n`);
  });
}

async function main() {
  const bundles = SERVICES.map((s) => ensureBuilt(s.name));
  const log = (m) => console.log(`infra        | ${m}`);
  const ha = process.argv.slice(2).includes('--ha');
  const clustered = ha || Boolean(process.env.REDIS_CLUSTER_NODES);
  const [kafka, redis] = await Promise.all([
    ha ? ensureKafkaCluster({ log }) : ensureKafka({ log }),
    clustered ? ensureRedisCluster({ log }) : ensureRedis({ log }),
  ]);
  // One of the two: the services refuse REDIS_URL beside REDIS_CLUSTER_NODES.
  const store = clustered ? { REDIS_CLUSTER_NODES: redis.nodes } : { REDIS_URL: redis.url };
  const host = 'http://localhost';
  const { REDIS_URL: _url, REDIS_CLUSTER_NODES: _nodes, ...inherited } = process.env;
  const env = {
    ...inherited,
    KAFKA_BROKERS: kafka.brokers,
    // Three copies of each event, two of them acknowledged (min.insync.replicas, libs/events).
    ...(ha ? { KAFKA_REPLICATION_FACTOR: '3' } : {}),
    ...store,
    KEYS_FILE: devKeysFile(),
    ISSUER: process.env.ISSUER || `${host}:3001`,
    INTROSPECTION_ENDPOINT: `${host}:3002/oauth2/introspect`,
    REVOCATION_ENDPOINT: `${host}:3003/oauth2/revoke`,
    // Dynamic client registration lives with the admin API, on the revocation service.
    REGISTRATION_ENDPOINT: `${host}:3003/oauth2/register`,
    // The front channel: every service advertises it; the browser goes there and to the login app.
    AUTHORIZATION_ENDPOINT: `${host}:3004/oauth2/authorize`,
    PAR_ENDPOINT: `${host}:3004/oauth2/par`,
    END_SESSION_ENDPOINT: `${host}:3004/oauth2/logout`,
    LOGIN_URL: `${host}:3005/login`,
    CONSENT_URL: `${host}:3005/consent`,
    LOGIN_API_URL: `${host}:3004`,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  };
  const children = SERVICES.map((s, i) => {
    const child = spawn(process.execPath, [bundles[i]], {
      cwd: root,
      env: { ...s.env, ...env, PORT: String(s.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prefixLines(s.name, child.stdout, process.stdout);
    prefixLines(s.name, child.stderr, process.stderr);
    child.on('exit', (code, signal) => log(`${s.name} exited (${signal ?? code})`));
    return child;
  });
  const [storeName, storeValue] = Object.entries(store)[0];
  log(`KAFKA_BROKERS=${kafka.brokers} ${storeName}=${storeValue}`);
  log(`metadata: ${env.ISSUER}/.well-known/oauth-authorization-server — Ctrl-C stops all`);
  log(`sign in: ISSUER=${env.ISSUER} npm run sign-in (client web-app; alice / alice-dev-password)`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await Promise.all(
      children.map(
        (c) =>
          new Promise((resolve) =>
            c.exitCode !== null ? resolve() : (c.once('exit', resolve), c.kill('SIGTERM')),
          ),
      ),
    );
    await Promise.allSettled([kafka.stop(), redis.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
