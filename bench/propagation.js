#!/usr/bin/env node
// `npm run bench:propagation [-- --quick]`: how fast a revocation is felt by every API replica.
// Kafka + Redis, the issuance and revocation services (dist bundles) and three resource-server
// replicas (bench/servers/rs-validate.ts) under steady API traffic; then N revocations, each
// timed from the revocation's 200 to the last replica refusing the token; then reuse detection
// (bench/lib/reuse-detection.js): N refresh tokens rotated and the retired one presented again,
// each timed from the `invalid_grant` to the last replica refusing the family's JWTs; then
// registry changes (bench/lib/registry-propagation.js): N lifetimes changed through the admin
// API, each timed from the admin answer to the last of three issuance replicas issuing tokens
// with it. Exits 1 when a revocation, a reuse or a registry change is missed, or the reuse's p99
// is not under its 50 ms budget.
// Writes bench/results/propagation-latest.json (not on a quick run). Also: `require('./bench/propagation').runPropagation`.
const { fork, execFileSync } = require('node:child_process');
const { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { performance } = require('node:perf_hooks');
const { URLSearchParams } = require('node:url');
const { join } = require('node:path');
const { ensureKafka, ensureRedis } = require('../scripts/infra');
const { ensureBuilt, root } = require('../scripts/build-if-needed');
const { freePort, startServer, runPinnedJson, HAS_TASKSET, LOAD_CORE } = require('./lib/processes');
const { send, closeConnections } = require('./lib/propagation-http');
const {
  untilAllRefuse,
  expectAccepted,
  sweep,
  percentile,
  round,
} = require('./lib/propagation-poll');
const { prepareFamilies, reuseMany, reuseFigures } = require('./lib/reuse-detection');
const { registryPropagation } = require('./lib/registry-propagation');

const CONFIG_FILE = join(__dirname, 'bench.config.json');
const RESULTS = join(__dirname, 'results', 'propagation-latest.json');
const CLIENT = { id: 'bench-a', secret: 'bench-secret-0123456789abcdef' };
const RESOURCE = 'https://orders.example.com';
const BASIC = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;
const FORM = { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' };
const REPLICAS = 3;

function settingsFor(quick) {
  return {
    quick,
    revocations: quick ? 100 : 1000,
    /** Refresh-token reuses (one grant each, made by a sign-in before anything is measured). */
    reuses: quick ? 100 : 1000,
    /** Lifetime changes through the admin API (issue 14), one at a time. */
    registry_changes: quick ? 20 : 200,
    /** Issuance replicas that must all issue the new lifetime (the topology's, and more). */
    registry_replicas: 3,
    /** Issue 11: the last replica refuses a reused family's JWTs within this, at p99. */
    reuse_budget_p99_ms: 50,
    /** Revocations (and reuses) in flight at once. */
    concurrency: 4,
    /** A revoked token some replica still accepts this long after the 200 is missed. */
    missed_after_ms: 1000,
    /** Polling of one revocation gives up here (the revocation then counts as missed). */
    poll_timeout_ms: 5000,
    /** Background API traffic, spread over the replicas (valid tokens, fixed rate). */
    traffic_rps_target: 600,
    traffic_connections: 6,
    /** The per-core figure: one replica pinned to one core, autocannon on the other. */
    per_core_duration_s: quick ? 3 : 10,
    per_core_connections: 32,
    per_core_uncached_tokens: quick ? 2000 : 10_000,
  };
}

const defaultLog = (m) => process.stderr.write(`[propagation] ${m}\n`);

/**
 * Runs the measurement; resolves with the figures written to propagation-latest.json.
 * `infra` ({ kafka: { brokers }, redis: { url } }) is used as given and left running; otherwise
 * Kafka and Redis come from scripts/infra.js (KAFKA_BROKERS / REDIS_URL when reachable).
 * Everything started here is stopped before it returns or throws. `overrides` replaces any of
 * the settings (e.g. { revocations: 5000, traffic_rps_target: 1500 }).
 */
async function runPropagation({ quick = false, log = defaultLog, infra, overrides = {} } = {}) {
  const settings = { ...settingsFor(quick), ...overrides };
  const startedAt = Date.now();
  const cleanups = [];
  const tmp = mkdtempSync(join(os.tmpdir(), 'bench-propagation-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  // Run directly, Ctrl-C still stops what was started (a caller handles its own signals).
  const onSignal = () => void cleanUp(cleanups).finally(() => process.exit(130));
  if (require.main === module) process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    log(
      `${quick ? 'quick' : 'full'} run: ${settings.revocations} revocations, ${REPLICAS} replicas`,
    );
    const { kafka, redis } = await infrastructure(infra, log, cleanups);
    const topology = await startTopology({ kafka, redis, tmp, log, cleanups });
    const tokenOf = () => issueToken(topology.issuance);

    log('validations per second per core…');
    const perCore = await measurePerCore({ topology, settings, tokenOf, cleanups });
    log(JSON.stringify(perCore));

    const families = await prepareFamilies({ topology, count: settings.reuses, log });

    log(`background traffic: ${settings.traffic_rps_target} rps over ${REPLICAS} replicas…`);
    const traffic = await startTraffic(topology.replicas, settings, tokenOf, cleanups);
    await new Promise((r) => setTimeout(r, 1000));

    log(`${settings.revocations} revocations, ${settings.concurrency} at a time…`);
    const run = await revokeMany(topology, settings, tokenOf, log);
    log(`${families.length} refresh-token reuses, ${settings.concurrency} at a time…`);
    const reuses = await reuseMany(topology, families, settings, log);
    const trafficFigures = await traffic.stop();
    log(`traffic during the run: ${JSON.stringify(trafficFigures)}`);

    log(
      `${settings.registry_changes} registry changes over ${settings.registry_replicas} issuance replicas…`,
    );
    const registry = await registryPropagation({
      adminBase: topology.revocationBase,
      tokenUrls: [
        topology.issuance,
        ...(await startIssuanceReplicas(topology, settings.registry_replicas - 1, cleanups)),
      ],
      count: settings.registry_changes,
      log,
    });
    log(JSON.stringify(registry));

    log('final sweep: every revoked token on every replica…');
    const acceptedAtEnd = await sweep(topology.replicas, run.revokedTokens);
    const reuseAcceptedAtEnd = await sweep(
      topology.replicas,
      reuses.flatMap((o) => o.accessTokens),
    );

    const times = run.outcomes.map((o) => o.propagationMs).filter(Number.isFinite);
    const fromRequest = run.outcomes.map((o) => o.fromRequestMs).filter(Number.isFinite);
    const result = {
      revocations: run.outcomes.length,
      replicas: REPLICAS,
      p50_ms: round(percentile(times, 50)),
      p99_ms: round(percentile(times, 99)),
      max_ms: round(Math.max(...times)),
      missed: run.outcomes.filter((o) => o.missed).length,
      validations_per_s_per_core: perCore.cached.rps,
      validations_per_s_per_core_uncached: perCore.uncached.rps,
      validations_per_cpu_s: perCore.cached.per_cpu_s,
      validations_per_cpu_s_uncached: perCore.uncached.per_cpu_s,
      traffic_rps: trafficFigures.rps,
      reuse_detection: reuseFigures(reuses, reuseAcceptedAtEnd, settings),
      registry,
      date: new Date().toISOString(),
      runtime_s: Math.round((Date.now() - startedAt) / 1000),
      quick,
      notes: {
        propagation:
          "per revocation: from the revocation's 200 arriving to the last replica's first 401 arriving (each replica polled concurrently on keep-alive connections)",
        validations_per_s_per_core:
          'one rs-validate replica pinned to one core, autocannon pinned to another; one valid JWT (verified-token cache hit after the first request)',
        validations_per_s_per_core_uncached:
          'as above, every request a different valid JWT (signature verified each time)',
        validations_per_cpu_s:
          'the same runs divided by the CPU time the replica used (/proc): unaffected by other work on the machine taking the pinned core',
        registry:
          "per change: a resource's access_token_ttl changed by PUT /admin/resources/{identifier} on the revocation service; from the admin answer arriving to the last issuance replica's first token with the new lifetime arriving (every replica polled concurrently)",
        reuse_detection:
          "per reuse: a grant's refresh token rotated (two JWT access tokens in the family), then the retired one presented again; from its invalid_grant arriving to the last replica's first 401 arriving for the last of the family's JWTs (every replica and token polled concurrently); grants made by real sign-ins before the measurement",
      },
      detail: {
        from_revoke_request_p50_ms: round(percentile(fromRequest, 50)),
        from_revoke_request_p99_ms: round(percentile(fromRequest, 99)),
        revoke_answer_p50_ms: round(
          percentile(
            run.outcomes.map((o) => o.revokeMs),
            50,
          ),
        ),
        revoke_answer_p99_ms: round(
          percentile(
            run.outcomes.map((o) => o.revokeMs),
            99,
          ),
        ),
        refused_on_first_poll: run.outcomes.reduce((s, o) => s + o.refusedOnFirstPoll, 0),
        replica_polls: run.outcomes.reduce((s, o) => s + o.polls, 0),
        never_refused: run.outcomes.filter((o) => !Number.isFinite(o.propagationMs)).length,
        stale_503_while_polling: run.outcomes.reduce((s, o) => s + o.stale, 0),
        wrong_challenge: run.outcomes.reduce((s, o) => s + o.wrongChallenge, 0),
        accepted_again_at_end: acceptedAtEnd,
        revocations_per_s: round(run.outcomes.length / run.seconds),
        traffic: trafficFigures,
        per_core: perCore,
        machine: { cores: os.cpus().length, node: process.version, pinned: HAS_TASKSET },
        settings,
      },
    };
    // A quick run only checks the harness: it must not replace the figures the README quotes.
    if (quick) return result;
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${RESULTS}`);
    return result;
  } finally {
    process.removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal);
    await cleanUp(cleanups);
    closeConnections();
  }
}

/** Runs the cleanups last-in first-out; never throws. */
async function cleanUp(cleanups) {
  while (cleanups.length > 0)
    await cleanups
      .pop()()
      .catch(() => undefined);
}

async function infrastructure(infra, log, cleanups) {
  if (infra) return infra;
  const results = await Promise.allSettled([ensureKafka({ log }), ensureRedis({ log })]);
  for (const r of results) if (r.status === 'fulfilled') cleanups.push(() => r.value.stop());
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { kafka: results[0].value, redis: results[1].value };
}

async function startTopology({ kafka, redis, tmp, log, cleanups }) {
  const keysFile = join(tmp, 'keys.json');
  execFileSync(process.execPath, [join(root, 'scripts/generate-keys.js'), keysFile]);
  const [issuancePort, revocationPort, ...replicaPorts] = await Promise.all(
    Array.from({ length: 2 + REPLICAS }, freePort),
  );
  const url = (p) => `http://127.0.0.1:${p}`;
  const issuer = url(issuancePort);
  const cluster = {
    CONFIG_FILE,
    KEYS_FILE: keysFile,
    ISSUER: issuer,
    KAFKA_BROKERS: kafka.brokers,
    REDIS_URL: redis.url,
  };
  const service = async (name, port) => {
    const bundle = ensureBuilt(name);
    const s = await startServer(name, [bundle], {
      pin: false,
      env: { ...cluster, PORT: String(port) },
      readyUrl: `${url(port)}/health/ready`,
    });
    cleanups.push(() => s.stop());
    return s;
  };
  log('issuance and revocation…');
  await Promise.all([service('issuance', issuancePort), service('revocation', revocationPort)]);
  log(`${REPLICAS} resource-server replicas…`);
  const replicaEnv = { ISSUER: issuer, JWKS_URI: `${issuer}/oauth2/jwks`, REDIS_URL: redis.url };
  await Promise.all(
    replicaPorts.map(async (port, i) => {
      const r = await startServer(`rs-${i}`, rsArgs(port), {
        pin: false,
        cwd: root,
        env: { ...replicaEnv, PORT: String(port) },
      });
      cleanups.push(() => r.stop());
    }),
  );
  return {
    issuer,
    issuance: `${issuer}/oauth2/token`,
    revocation: `${url(revocationPort)}/oauth2/revoke`,
    revocationBase: url(revocationPort),
    replicas: replicaPorts.map(url),
    replicaEnv,
    /** The services' environment: a process that joins the topology (reuse detection's sign-ins). */
    cluster,
  };
}

/** `n` more issuance replicas on the topology's log and store; their token endpoints. */
async function startIssuanceReplicas(topology, n, cleanups) {
  const ports = await Promise.all(Array.from({ length: n }, freePort));
  return Promise.all(
    ports.map(async (port, i) => {
      const s = await startServer(`issuance-${i + 1}`, [ensureBuilt('issuance')], {
        pin: false,
        env: { ...topology.cluster, PORT: String(port) },
        readyUrl: `http://127.0.0.1:${port}/health/ready`,
      });
      cleanups.push(() => s.stop());
      return `http://127.0.0.1:${port}/oauth2/token`;
    }),
  );
}

// Compiled like an API replica would be (nest build bench-rs), not compiled at load time: the
// in-process TypeScript compiler alone added about 90 MB to each replica's RSS.
const rsArgs = (port) => [ensureBuilt('bench-rs'), String(port)];

async function issueToken(tokenUrl) {
  const res = await send(tokenUrl, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      resource: RESOURCE,
      scope: 'orders:read',
    }).toString(),
  });
  if (res.status !== 200) throw new Error(`token request answered ${res.status}: ${res.body}`);
  return JSON.parse(res.body).access_token;
}

/** `n` tokens, `parallel` requests at a time. */
async function issueMany(tokenOf, n, parallel = 16) {
  const tokens = [];
  let started = 0;
  const worker = async () => {
    while (started < n) {
      started++;
      tokens.push(await tokenOf());
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return tokens;
}

/**
 * One more replica, pinned to one core (processes.js), loaded by autocannon pinned to another:
 * with one valid token (what a client does: the verified-token cache answers), and with a
 * different valid token on every request (the signature is verified every time).
 */
async function measurePerCore({ topology, settings, tokenOf, cleanups }) {
  const port = await freePort();
  const server = await startServer('rs-pinned', rsArgs(port), {
    cwd: root,
    env: { ...topology.replicaEnv, PORT: String(port) },
  });
  const stopServer = () => server.stop();
  cleanups.push(stopServer);
  try {
    const one = [await tokenOf()];
    const many = await issueMany(tokenOf, settings.per_core_uncached_tokens);
    // Also counted in CPU time the replica used: a figure that other work on the machine (which
    // takes the pinned core away part of the time) does not bend.
    const load = (spec) => {
      const cpuBefore = cpuSecondsOf(server.pid);
      const r = runPinnedJson(
        LOAD_CORE,
        [join(__dirname, 'lib/load-worker.js')],
        JSON.stringify({
          url: `http://127.0.0.1:${port}`,
          method: 'GET',
          path: '/orders',
          connections: settings.per_core_connections,
          ...spec,
        }),
      );
      const cpu = cpuSecondsOf(server.pid) - cpuBefore;
      return { ...r, server_cpu_s: round(cpu), per_cpu_s: Math.round(r.requests / cpu) };
    };
    // A short warm-up (JIT, JWKS, connections), then the measured runs.
    load({ bearerTokens: one, duration: 1 });
    const cached = load({ bearerTokens: one, duration: settings.per_core_duration_s });
    const uncached = load({ bearerTokens: many, amount: settings.per_core_uncached_tokens });
    for (const [name, r] of Object.entries({ cached, uncached }))
      if (r.errors > 0) throw new Error(`per-core ${name}: ${r.errors} requests not answered 200`);
    return { cached, uncached, peak_rss_mb: server.peakRssMb() };
  } finally {
    cleanups.splice(cleanups.indexOf(stopServer), 1);
    await server.stop();
  }
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process (all its threads) so far, from /proc (Linux). */
function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** autocannon in a child process at a fixed rate against every replica, until stop(). */
async function startTraffic(replicas, settings, tokenOf, cleanups) {
  const tokens = await issueMany(tokenOf, 8, 8);
  const child = fork(
    join(__dirname, 'lib/propagation-traffic.js'),
    [
      JSON.stringify({
        urls: replicas,
        tokens,
        rate: settings.traffic_rps_target,
        connections: settings.traffic_connections,
      }),
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const messages = [];
  let waiter;
  child.on('message', (m) => {
    messages.push(m);
    waiter?.();
  });
  const exited = new Promise((r) => child.once('exit', r));
  const nextMessage = async (timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    while (messages.length === 0) {
      if (child.exitCode !== null) throw new Error('traffic generator exited');
      if (Date.now() > deadline) throw new Error('traffic generator did not answer');
      await new Promise((r) => {
        waiter = r;
        setTimeout(r, 100);
      });
    }
    return messages.shift();
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  cleanups.push(kill);
  await nextMessage(30_000); // 'started'
  return {
    async stop() {
      child.send('stop');
      const figures = await nextMessage(30_000);
      cleanups.splice(cleanups.indexOf(kill), 1);
      await kill();
      if (figures.error) throw new Error(`traffic generator: ${figures.error}`);
      if (figures.non2xx + figures.errors + figures.timeouts > 0)
        throw new Error(`background traffic was not all answered 200: ${JSON.stringify(figures)}`);
      return figures;
    },
  };
}

/** `settings.revocations` revocations, `settings.concurrency` at a time. */
async function revokeMany(topology, settings, tokenOf, log) {
  const outcomes = [];
  const revokedTokens = [];
  let started = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (started < settings.revocations) {
      started++;
      const token = await tokenOf();
      revokedTokens.push(token);
      outcomes.push(await revokeOne(topology, token, settings));
      if (outcomes.length % 250 === 0) log(`${outcomes.length} revocations done`);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  return { outcomes, revokedTokens, seconds: (performance.now() - t0) / 1000 };
}

async function revokeOne(topology, token, settings) {
  await expectAccepted(topology.replicas, [token], 'a fresh valid token');
  const revoked = await send(topology.revocation, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
  });
  if (revoked.status !== 200)
    throw new Error(`revocation answered ${revoked.status}: ${revoked.body}`);
  const seen = await untilAllRefuse(topology.replicas, [token], revoked.receivedAt, settings);
  return {
    ...seen,
    fromRequestMs: seen.last - revoked.sentAt,
    revokeMs: revoked.receivedAt - revoked.sentAt,
  };
}

function print(r) {
  const line = (k, v) => process.stdout.write(`${k.padEnd(38)} ${v}\n`);
  process.stdout.write('\nrevocation propagation\n');
  line('revocations / replicas', `${r.revocations} / ${r.replicas}`);
  line('propagation p50 / p99 / max (ms)', `${r.p50_ms} / ${r.p99_ms} / ${r.max_ms}`);
  line('missed (accepted 1 s after the 200)', r.missed);
  line('accepted again in the final sweep', r.detail.accepted_again_at_end);
  line(
    'from the revoke request: p50 / p99 (ms)',
    `${r.detail.from_revoke_request_p50_ms} / ${r.detail.from_revoke_request_p99_ms}`,
  );
  line('background traffic (rps)', r.traffic_rps);
  line('validations/s/core (same JWT, cached)', r.validations_per_s_per_core);
  line('validations/s/core (distinct JWTs)', r.validations_per_s_per_core_uncached);
  line(
    'validations per CPU-second (same/distinct)',
    `${r.validations_per_cpu_s} / ${r.validations_per_cpu_s_uncached}`,
  );
  const u = r.reuse_detection;
  process.stdout.write('\nrefresh-token reuse detection\n');
  line('reuses / replicas', `${u.samples} / ${r.replicas}`);
  line('propagation p50 / p99 / max (ms)', `${u.p50_ms} / ${u.p99_ms} / ${u.max_ms}`);
  line(
    'budget: p99 under (ms)',
    `${u.budget_p99_ms}: ${u.p99_ms < u.budget_p99_ms ? 'met' : 'MISSED'}`,
  );
  line('missed (accepted 1 s after invalid_grant)', u.missed);
  line('never refused', u.never_refused);
  line('newest refresh token still exchangeable', u.refresh_token_live_after_reuse);
  line('accepted again in the final sweep', u.accepted_again_at_end);
  line(
    'from the reuse request: p50 / p99 (ms)',
    `${u.detail.from_reuse_request_p50_ms} / ${u.detail.from_reuse_request_p99_ms}`,
  );
  const g = r.registry;
  process.stdout.write('\nregistry changes (admin API)\n');
  line('changes / issuance replicas', `${g.changes} / ${g.replicas}`);
  line('propagation p50 / p99 / max (ms)', `${g.p50_ms} / ${g.p99_ms} / ${g.max_ms}`);
  line('missed (not applied within 5 s)', g.missed);
  line('admin answer p50 / p99 (ms)', `${g.admin_answer_p50_ms} / ${g.admin_answer_p99_ms}`);
  line('runtime (s)', r.runtime_s);
}

/**
 * The run's verdict: every revocation and every reuse felt everywhere, the reuse in budget,
 * every registry change applied by every replica.
 */
const passed = (r) =>
  r.missed === 0 &&
  r.detail.accepted_again_at_end === 0 &&
  r.reuse_detection.passed &&
  r.registry.missed === 0;

module.exports = { runPropagation };

if (require.main === module) {
  runPropagation({ quick: process.argv.includes('--quick') })
    .then((r) => {
      print(r);
      if (!passed(r)) process.exitCode = 1;
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
