#!/usr/bin/env node
// `npm run bench [-- --quick]`: ours and node-oidc-provider side by side on this machine, in the
// same run, in alternating rounds (A B A B …) so that drift cancels; plus the machine's own limits.
// Writes bench/results/<date>.json, latest.json, latest.md and latest.svg.
const { mkdtempSync, mkdirSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { ensureKafka, ensureKafkaCluster, ensureRedis } = require('../scripts/infra');
const { ensureRedisCluster } = require('../scripts/redis-cluster');
const { ensureBuilt, root } = require('../scripts/build-if-needed');
const {
  profiling,
  recordPhase,
  freePort,
  startServer,
  runPinnedJson,
  HAS_TASKSET,
  LOAD_CORE,
} = require('./lib/processes');
const { scenarios } = require('./lib/scenarios');
const { writeReports, replicationCost } = require('./lib/report');
const { runPropagation } = require('./propagation');
const { runMetricsCost } = require('./lib/metrics-cost');

const QUICK = process.argv.includes('--quick');
const SETTINGS = {
  quick: QUICK,
  rounds: 3,
  duration: QUICK ? 2 : 10,
  warmup: QUICK ? 1 : 3,
  connections: 32,
  /**
   * Tokens revoked per round of revoke (each once, issued beforehand). At 6-13k revocations a
   * second, 4000 (300 quick) lasted 0.3-0.5 s and measured the generator's connections and cold
   * start more than the servers: 8517 against 5989 req/s (1.42) with 4000, 13123 against 6973
   * (1.88) with 20000, same machine, same hour.
   */
  revocations: QUICK ? 8000 : 20000,
  /** Codes redeemed per round of code-redemption (each prepared by a sign-in beforehand). */
  codes: QUICK ? 300 : 4000,
  /** Refreshes per round of refresh (each its own grant's refresh token, made by a sign-in). */
  refreshes: QUICK ? 300 : 4000,
  /**
   * Subject tokens per round of token-exchange (each exchanged once, issued beforehand). Not
   * fewer in a quick run: 300 requests over 32 new connections measured their ramp-up (0.21-0.33
   * of the baseline, against 0.42-0.48 in full runs on the same machine), not the exchange.
   */
  exchanges: QUICK ? 2000 : 4000,
  /** DPoP proofs per round of the DPoP scenarios (each used once, made before the round). */
  proofs: QUICK ? 300 : 8000,
  /** Client assertions per round and side of issue-federated-credential (each used once). */
  assertions: QUICK ? 300 : 8000,
};
// `ONLY=a,b npm run bench` or `npm run bench -- --only a,b`: just those scenarios ("propagation"
// names the propagation measurement, "metrics-cost" the cost of the metrics). A partial run writes bench/results/only-latest.*, never
// the full run's latest.*.
const ONLY = onlyFilter(process.argv, process.env.ONLY);
const CONFIG_FILE = join(__dirname, 'bench.config.json');
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

function load(spec) {
  return runPinnedJson(LOAD_CORE, [join(__dirname, 'lib/load-worker.js')], JSON.stringify(spec));
}

/** Open loop at a fixed rate (lib/paced-load.js): latency counted from when each request was due. */
function paced(spec) {
  return runPinnedJson(LOAD_CORE, [join(__dirname, 'lib/paced-load.js')], JSON.stringify(spec));
}

async function machineLimits() {
  const limits = {};
  for (const [name, script] of [
    ['bare_http_rps', 'bare-http.js'],
    ['bare_fastify_rps', 'bare-fastify.js'],
  ]) {
    const port = await freePort();
    const server = await startServer(name, [join(__dirname, 'servers', script), String(port)]);
    try {
      const body = 'token=abc&token_type_hint=access_token';
      const r = load({
        url: `http://127.0.0.1:${port}`,
        method: 'POST',
        path: '/oauth2/introspect',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        connections: SETTINGS.connections,
        duration: SETTINGS.duration,
      });
      limits[name] = r.rps;
    } finally {
      await server.stop();
    }
  }
  Object.assign(
    limits,
    runPinnedJson('1', [join(__dirname, 'servers/jose-loop.js'), QUICK ? '1' : '3']),
  );
  return limits;
}

/** `--only a,b`, `--only=a,b` or ONLY=a,b: a set of names, or null for everything. */
function onlyFilter(argv, env) {
  const i = argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
  const value = i < 0 ? env : argv[i].startsWith('--only=') ? argv[i].slice(7) : argv[i + 1];
  if (i >= 0 && !value) throw new Error('--only needs scenario names, e.g. --only code-redemption');
  const names = (value ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return names.length > 0 ? new Set(names) : null;
}

/** The scenarios to run; an unknown name in the filter stops the run with the known ones. */
function selectScenarios(all) {
  if (!ONLY) return all;
  const known = new Set([...all.map((s) => s.name), 'propagation', 'metrics-cost']);
  const unknown = [...ONLY].filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return all.filter((s) => ONLY.has(s.name));
}

/** Servers a scenario restarts, and those it only calls (e.g. issuance for tokens to introspect). */
const serversOf = (s) => [...s.servers, ...(s.uses ?? [])];
const NEEDS_INFRA = new Set(['issuance', 'introspection', 'revocation', 'rs']);
/**
 * Servers on the --ha engines (three Kafka brokers, a Redis Cluster): started with those engines
 * just before the first scenario that needs them, and stopped with them after the last, so that
 * no other scenario runs beside three idle JVMs and six Redis nodes.
 */
const HA_SERVERS = new Set(['issuance-ha', 'revocation-ha']);
const needsHa = (s) => serversOf(s).some((n) => HA_SERVERS.has(n));

/** The engines of `npm run dev:cluster -- --ha` (scripts/infra/kafka-cluster.js, redis-cluster.js). */
async function startHaEngines() {
  log('the --ha engines: three Kafka brokers and a Redis Cluster…');
  const [kafka, redis] = await Promise.allSettled([
    ensureKafkaCluster({ log }),
    ensureRedisCluster({ log }),
  ]);
  if (kafka.status === 'rejected' || redis.status === 'rejected') {
    await Promise.allSettled(
      [kafka, redis].map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)),
    );
    throw kafka.status === 'rejected' ? kafka.reason : redis.reason;
  }
  return { kafka: kafka.value, redis: redis.value };
}

async function startTopology(infra, servers, wanted) {
  const keysDir = mkdtempSync(join(tmpdir(), 'bench-keys-'));
  const keysFile = join(keysDir, 'keys.json');
  execFileSync(process.execPath, [join(root, 'scripts/generate-keys.js'), keysFile]);
  const bundle = (app) => ensureBuilt(app);
  const ports = {
    standalone: await freePort(),
    issuance: await freePort(),
    introspection: await freePort(),
    revocation: await freePort(),
    peer: await freePort(),
    rs: await freePort(),
    'issuance-ha': await freePort(),
    'revocation-ha': await freePort(),
  };
  const base = { CONFIG_FILE, KEYS_FILE: keysFile };
  const url = (p) => `http://127.0.0.1:${p}`;
  const live = (p) => `${url(p)}/.well-known/oauth-authorization-server`;
  const cluster = {
    ...base,
    ISSUER: url(ports.issuance),
    KAFKA_BROKERS: infra.kafka?.brokers,
    REDIS_URL: infra.redis?.url,
    // One Redis or a cluster, never both (the services refuse that): nothing inherited.
    REDIS_CLUSTER_NODES: undefined,
  };
  // Read when a server starts: infra.ha exists only while a scenario on the --ha engines runs.
  const ha = () => ({
    ...base,
    ISSUER: url(ports['issuance-ha']),
    KAFKA_BROKERS: infra.ha.kafka.brokers,
    REDIS_CLUSTER_NODES: infra.ha.redis.nodes,
    REDIS_URL: undefined,
    KAFKA_REPLICATION_FACTOR: '3',
  });
  const launch = {
    standalone: () =>
      startServer('ours-standalone', [bundle('standalone')], {
        env: {
          ...base,
          PORT: String(ports.standalone),
          ISSUER: url(ports.standalone),
          // code-redemption's codes are made by real sign-ins before a round: on a slow or busy
          // machine the 4000 of a full round may take longer than the default minute to make.
          AUTHORIZATION_CODE_TTL_SECONDS: '600',
        },
        readyUrl: live(ports.standalone),
      }),
    issuance: () =>
      startServer('ours-issuance', [bundle('issuance')], {
        env: { ...cluster, PORT: String(ports.issuance) },
        readyUrl: `${url(ports.issuance)}/health/ready`,
      }),
    // The revocation service hosts the projector that builds the store introspection reads. No
    // scenario measures it (revoke runs on the standalone server), but its projector consumes
    // every issued event: it runs beside Kafka and the load generator, as it would on a machine
    // of its own, not on the core of the issuance service being measured.
    revocation: () =>
      startServer('ours-revocation', [bundle('revocation')], {
        env: { ...cluster, PORT: String(ports.revocation) },
        pin: 'load',
        readyUrl: `${url(ports.revocation)}/health/ready`,
      }),
    introspection: () =>
      startServer('ours-introspection', [bundle('introspection')], {
        env: { ...cluster, PORT: String(ports.introspection) },
        readyUrl: `${url(ports.introspection)}/health/ready`,
      }),
    // issuance and revocation (its projector pinned beside the load, as above) on the --ha engines.
    'issuance-ha': () =>
      startServer('ours-issuance-ha', [bundle('issuance')], {
        env: { ...ha(), PORT: String(ports['issuance-ha']) },
        readyUrl: `${url(ports['issuance-ha'])}/health/ready`,
      }),
    'revocation-ha': () =>
      startServer('ours-revocation-ha', [bundle('revocation')], {
        env: { ...ha(), PORT: String(ports['revocation-ha']) },
        pin: 'load',
        readyUrl: `${url(ports['revocation-ha'])}/health/ready`,
      }),
    peer: () =>
      startServer('peer', [join(__dirname, 'servers/peer-oidc-provider.mjs'), String(ports.peer)], {
        readyUrl: `${url(ports.peer)}/.well-known/openid-configuration`,
      }),
    rs: () =>
      startServer('ours-resource-server', [bundle('bench-rs'), String(ports.rs)], {
        cwd: root,
        env: {
          ISSUER: url(ports.standalone),
          REDIS_URL: infra.redis?.url,
          PORT: String(ports.rs),
          // rs-dpop-validate's proofs name the replica's own URL in `htu` (RFC 9449 §7.1).
          RESOURCE_PUBLIC_URL: url(ports.rs),
        },
      }),
  };
  for (const [name, start] of Object.entries(launch))
    if (wanted.has(name) && !HA_SERVERS.has(name)) servers[name] = await start();
  const peaks = {};
  const notePeak = (name) => {
    peaks[name] = Math.max(peaks[name] ?? 0, servers[name].peakRssMb() ?? 0);
  };
  return {
    urls: Object.fromEntries(Object.entries(ports).map(([k, p]) => [k, url(p)])),
    /**
     * Restarts the named servers, so that a scenario does not carry the state an earlier one
     * left behind (hundreds of thousands of live tokens in an in-memory store make every full
     * garbage collection of that process longer, on either side).
     */
    async fresh(names) {
      for (const name of names) {
        if (servers[name]) {
          notePeak(name);
          await servers[name].stop();
        }
        servers[name] = await launch[name]();
      }
    },
    /** Starts those of `names` not running yet (a scenario's `uses` on the --ha engines). */
    async ensure(names) {
      for (const name of names) if (!servers[name]) servers[name] = await launch[name]();
    },
    /** Stops the named servers for good (their peak RSS is kept). */
    async retire(names) {
      for (const name of names) {
        if (!servers[name]) continue;
        notePeak(name);
        await servers[name].stop();
        delete servers[name];
      }
    },
    /** Peak RSS per server over the whole run, restarts included. */
    peakRss() {
      for (const name of Object.keys(servers)) notePeak(name);
      return { ...peaks };
    },
  };
}

/** Starts a standalone server (in-memory adapters, dev keys) with `env` on top: `{ url, stop }`. */
function standaloneStarter() {
  return async (label, env) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startServer(label, [ensureBuilt('standalone')], {
      env: { CONFIG_FILE, PORT: String(port), ISSUER: url, ...env },
      readyUrl: `${url}/.well-known/oauth-authorization-server`,
    });
    return { url, stop: () => server.stop() };
  };
}

function summarize(runs) {
  const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    rps: Math.round(runs.reduce((s, r) => s + r.rps, 0) / runs.length),
    p50_ms: mid(runs.map((r) => r.p50_ms)),
    p99_ms: mid(runs.map((r) => r.p99_ms)),
    max_ms: Math.max(...runs.map((r) => r.max_ms)),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    rounds: runs.map((r) => r.rps),
  };
}

async function measure(scenario, side, duration = SETTINGS.duration, phase = 'round') {
  const spec = await side.prepare();
  profiling(spec.url);
  const start = Date.now();
  const result = load({ connections: SETTINGS.connections, duration, ...spec });
  recordPhase({ scenario, side: side.label, phase, url: spec.url, start, end: Date.now() });
  profiling(spec.url);
  if (result.errors > 0)
    throw new Error(
      `${side.label}: ${result.errors} requests failed: ${JSON.stringify(result.status_codes ?? {})}`,
    );
  return result;
}

/** Alternating rounds, then one round at half the measured peak for the latency target. */
async function runScenario(s) {
  const sides = [s.ours, s.peer].filter(Boolean);
  const runs = new Map(sides.map((side) => [side, []]));
  // One unrecorded round each first: JIT, connection pools and the broker warm up on both sides.
  for (const side of sides) await measure(s.name, side, SETTINGS.warmup, 'warm-up');
  for (let round = 0; round < SETTINGS.rounds; round++)
    for (const side of sides) runs.get(side).push(await measure(s.name, side));
  const out = {};
  for (const side of sides) {
    const summary = summarize(runs.get(side));
    const half = await side.prepare();
    const rate = Math.max(1, Math.round(summary.rps / 2));
    // A spec with a fixed amount (each revocation uses its token up) runs until it is spent,
    // its first fifth (at most a second) as the unrecorded warm-up.
    const spend = half.amount && half.amount / rate;
    const warmup = spend ? Math.min(1, spend / 5) : 1;
    const duration = spend ? spend - warmup : SETTINGS.duration;
    const start = Date.now();
    const atHalf = paced({ connections: SETTINGS.connections, ...half, warmup, duration, rate });
    const phase = { scenario: s.name, side: side.label, phase: 'half-peak', url: half.url };
    recordPhase({ ...phase, start: start + warmup * 1000, end: Date.now() });
    if (atHalf.errors > 0)
      throw new Error(
        `${side.label}: ${atHalf.errors} requests failed at half the peak ` +
          `(${atHalf.lost} lost in flight on a closed connection; non-2xx by status: ` +
          `${JSON.stringify(atHalf.statuses)})`,
      );
    out[side === s.ours ? 'ours' : 'peer'] = {
      ...summary,
      p50_at_half_peak_ms: atHalf.p50_ms,
      p99_at_half_peak_ms: atHalf.p99_ms,
    };
  }
  return out;
}

async function main() {
  log(
    `${QUICK ? 'quick' : 'full'} run${ONLY ? ` of ${[...ONLY].join(', ')}` : ''}; measured server ` +
      `pinned to core 1, load generator and the projector on core 0: ${HAS_TASKSET}`,
  );
  // The URLs are known before any server starts: the selection needs only names and servers.
  const selected = selectScenarios(scenarios({}, SETTINGS));
  const wanted = new Set(selected.flatMap(serversOf));
  const withPropagation = !ONLY || ONLY.has('propagation');
  const withMetricsCost = !ONLY || ONLY.has('metrics-cost');
  log('machine limits…');
  const machine = { cores: require('node:os').cpus().length, ...(await machineLimits()) };
  log(JSON.stringify(machine));
  const infraNeeded = withPropagation || [...wanted].some((n) => NEEDS_INFRA.has(n));
  const [kafka, redis] = infraNeeded
    ? await Promise.all([ensureKafka({ log }), ensureRedis({ log })])
    : [null, null];
  const servers = {};
  const infra = { kafka, redis, ha: null };
  try {
    const topology = await startTopology(infra, servers, wanted);
    const results = [];
    const toRun = scenarios(topology.urls, SETTINGS).filter((x) =>
      selected.some((y) => y.name === x.name),
    );
    for (const [i, s] of toRun.entries()) {
      log(`${s.name}…`);
      const startedAt = Date.now();
      if (needsHa(s) && !infra.ha) infra.ha = await startHaEngines();
      await topology.fresh(s.servers);
      await topology.ensure(serversOf(s));
      const r = await runScenario(s);
      const ratio = r.peer ? +(r.ours.rps / r.peer.rps).toFixed(2) : null;
      results.push({ name: s.name, note: s.note, ...r, peer: r.peer ?? null, ratio });
      const took = Math.round((Date.now() - startedAt) / 1000);
      log(
        `${s.name}: ours ${r.ours.rps} rps, peer ${r.peer?.rps ?? '-'} rps, ratio ${ratio} (${took} s with its preparation)`,
      );
      if (infra.ha && !toRun.slice(i + 1).some(needsHa)) {
        await topology.retire([...HA_SERVERS]);
        await Promise.allSettled([infra.ha.kafka.stop(), infra.ha.redis.stop()]);
        infra.ha = null;
      }
    }
    const replication = replicationCost(results);
    if (replication)
      log(
        `replication: ${replication.replicated} at ${replication.ours}× the throughput of ${replication.single} (ours)`,
      );
    // Peak RSS (VmHWM) is read while the processes still exist.
    const rss = topology.peakRss();
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    let metricsCost;
    if (withMetricsCost) {
      log('cost of the metrics: token and introspection scenarios with metrics on and off…');
      metricsCost = await runMetricsCost({
        settings: SETTINGS,
        log,
        startStandalone: standaloneStarter(),
        measure: (side, duration) => measure('metrics-cost', side, duration),
        summarize,
        scenarios,
      });
    }
    let propagation;
    if (withPropagation) {
      log('propagation across resource-server replicas (revocation, refresh-token reuse)…');
      propagation = await runPropagation({ quick: QUICK, log, infra: { kafka, redis } });
    }
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeReports(join(__dirname, 'results'), {
      date: new Date().toISOString(),
      settings: SETTINGS,
      only: ONLY && [...ONLY],
      auth: 'both sides: client_secret_basic; ES256 JWT access tokens; opaque tokens for the second resource; RS256 ID tokens',
      placement: HAS_TASKSET
        ? 'each measured server pinned to core 1; the load generator and the revocation service (projector) on core 0; Kafka and Redis unpinned'
        : 'no taskset: nothing pinned',
      machine,
      peak_rss_mb: rss,
      scenarios: results,
      metrics_cost: metricsCost,
      propagation,
    });
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    await Promise.allSettled([
      kafka?.stop(),
      redis?.stop(),
      infra.ha?.kafka.stop(),
      infra.ha?.redis.stop(),
    ]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
