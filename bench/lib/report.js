// Writes the run as JSON (dated and latest), a Markdown table and an SVG chart.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { metricsCostLines } = require('./metrics-cost');

function writeReports(dir, run) {
  const json = {
    machine: run.machine,
    date: run.date,
    settings: run.settings,
    ...(run.only ? { only: run.only } : {}),
    auth: run.auth,
    placement: run.placement,
    peak_rss_mb: run.peak_rss_mb,
    ...(run.metrics_cost ? { metrics_cost: run.metrics_cost } : {}),
    propagation: run.propagation && {
      revocations: run.propagation.revocations,
      replicas: run.propagation.replicas,
      p50_ms: run.propagation.p50_ms,
      p99_ms: run.propagation.p99_ms,
      max_ms: run.propagation.max_ms,
      missed: run.propagation.missed,
      validations_per_s_per_core: run.propagation.validations_per_s_per_core,
      validations_per_s_per_core_uncached: run.propagation.validations_per_s_per_core_uncached,
      reuse_detection: run.propagation.reuse_detection && {
        samples: run.propagation.reuse_detection.samples,
        p50_ms: run.propagation.reuse_detection.p50_ms,
        p99_ms: run.propagation.reuse_detection.p99_ms,
        max_ms: run.propagation.reuse_detection.max_ms,
        missed: run.propagation.reuse_detection.missed,
        budget_p99_ms: run.propagation.reuse_detection.budget_p99_ms,
        passed: run.propagation.reuse_detection.passed,
      },
    },
    scenarios: run.scenarios.map((s) => ({
      name: s.name,
      note: s.note,
      ours: pick(s.ours),
      peer: s.peer && pick(s.peer),
      ratio: s.ratio,
      fraction_of_stack_ceiling: +(s.ours.rps / run.machine.bare_fastify_rps).toFixed(2),
      fraction_of_bare_http: +(s.ours.rps / run.machine.bare_http_rps).toFixed(2),
    })),
  };
  json.binding_cost = bindingCost(json.scenarios);
  json.replication_cost = replicationCost(json.scenarios);
  const text = JSON.stringify(json, null, 2) + '\n';
  const stamp = run.date.slice(0, 19).replace(/[:T]/g, '-');
  // A partial run (ONLY / --only) never replaces the figures of a whole one.
  const only = run.only ? `-only-${run.only.join('+')}` : '';
  writeFileSync(join(dir, `${stamp}${only}${run.settings.quick ? '-quick' : ''}.json`), text);
  const prefix = `${run.only ? 'only-' : ''}${run.settings.quick ? 'quick-' : ''}`;
  writeFileSync(join(dir, `${prefix}latest.json`), text);
  writeFileSync(join(dir, `${prefix}latest.md`), markdown(json));
  writeFileSync(join(dir, `${prefix}latest.svg`), svg(json));
}

/**
 * The cost of binding (issue 12): each DPoP scenario's throughput as a fraction of its bearer
 * counterpart's in the same run, ours against ours. The peer's too where its two figures measure
 * the same endpoint (issuance); for validation its bearer figure is its introspection, not its
 * userinfo endpoint, so no peer fraction is given.
 */
const BINDING_PAIRS = [
  { bound: 'issue-dpop-standalone', bearer: 'issue-jwt-standalone', peerComparable: true },
  { bound: 'rs-dpop-validate', bearer: 'rs-local-validate', peerComparable: false },
];

function bindingCost(scenarios) {
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  const fraction = (a, b) => (a && b ? +(a.rps / b.rps).toFixed(2) : null);
  return BINDING_PAIRS.filter((p) => byName.has(p.bound) && byName.has(p.bearer)).map((p) => {
    const bound = byName.get(p.bound);
    const bearer = byName.get(p.bearer);
    return {
      bound: p.bound,
      bearer: p.bearer,
      ours: fraction(bound.ours, bearer.ours),
      peer: p.peerComparable ? fraction(bound.peer, bearer.peer) : null,
    };
  });
}

function bindingLines(costs) {
  if (!costs || costs.length === 0) return [];
  const line = (c) =>
    `${c.bound} runs at ${c.ours}× the throughput of ${c.bearer} on ours` +
    (c.peer !== null ? ` (the peer: ${c.peer}×)` : ' (the peer figures are different endpoints)');
  return [`Cost of binding (DPoP against bearer, same run): ${costs.map(line).join('; ')}.`, ''];
}

/**
 * The cost of replication (issue 17): split issuance on the --ha engines (three brokers, every
 * event acknowledged by two of its three replicas; a Redis Cluster) against split issuance on one
 * broker and one Redis, ours against ours, same run; null unless both ran.
 */
const REPLICATION_PAIR = { replicated: 'issue-jwt-ha', single: 'issue-jwt-cluster' };

function replicationCost(scenarios) {
  const replicated = scenarios.find((s) => s.name === REPLICATION_PAIR.replicated);
  const single = scenarios.find((s) => s.name === REPLICATION_PAIR.single);
  if (!replicated || !single) return null;
  return {
    ...REPLICATION_PAIR,
    ours: +(replicated.ours.rps / single.ours.rps).toFixed(2),
    p99_ms: { replicated: replicated.ours.p99_ms, single: single.ours.p99_ms },
  };
}

function replicationLines(c) {
  if (!c) return [];
  return [
    `Cost of replication (same run): ${c.replicated} (three brokers, RF 3, min.insync.replicas=2, acks=all; Redis Cluster) runs at ${c.ours}× the throughput of ${c.single} (one broker, one Redis) on ours; p99 ${c.p99_ms.replicated} ms against ${c.p99_ms.single} ms.`,
    '',
  ];
}

function pick(r) {
  return {
    rps: r.rps,
    p50_ms: r.p50_ms,
    p99_ms: r.p99_ms,
    max_ms: r.max_ms,
    errors: r.errors,
    p50_at_half_peak_ms: r.p50_at_half_peak_ms,
    p99_at_half_peak_ms: r.p99_at_half_peak_ms,
    rounds_rps: r.rounds,
  };
}

function markdown(j) {
  const m = j.machine;
  const rows = j.scenarios.map(
    (s) =>
      `| ${s.name} | ${s.ours.rps} | ${s.peer?.rps ?? '–'} | **${s.ratio ?? '–'}×** | ${s.ours.p50_ms} / ${s.ours.p99_ms} | ${s.ours.p99_at_half_peak_ms} | ${s.peer ? `${s.peer.p50_ms} / ${s.peer.p99_ms}` : '–'} | ${s.fraction_of_stack_ceiling} |`,
  );
  return [
    `Run ${j.date} (${j.settings.quick ? 'quick' : 'full'}: ${j.settings.warmup ? `an unrecorded ${j.settings.warmup} s warm-up round, then ` : ''}${j.settings.rounds} alternating rounds of ${j.settings.duration} s per side, ${j.settings.connections} connections; ${j.auth}).`,
    '',
    ...(j.placement ? [`Placement: ${j.placement}.`, ''] : []),
    `Machine limits in the same run: bare node:http ${m.bare_http_rps} req/s, bare Fastify form route ${m.bare_fastify_rps} req/s, jose ES256 sign ${m.es256_sign_per_s}/s and verify ${m.es256_verify_per_s}/s on one core.`,
    '',
    '| scenario | ours req/s | peer req/s | ratio ours/peer | ours p50 / p99 ms | ours p99 at half peak ms | peer p50 / p99 ms | ours / stack ceiling |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...bindingLines(j.binding_cost),
    ...replicationLines(j.replication_cost),
    `Peak RSS (MB): ${Object.entries(j.peak_rss_mb)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    ...metricsCostLines(j.metrics_cost),
    ...propagationLines(j.propagation),
  ].join('\n');
}

function propagationLines(p) {
  if (!p) return [];
  const u = p.reuse_detection;
  return [
    `Revocation propagation (${p.revocations} revocations under API traffic, ${p.replicas} resource-server replicas, from the revocation's 200 to the last replica refusing): p50 ${p.p50_ms} ms, p99 ${p.p99_ms} ms, max ${p.max_ms} ms, missed ${p.missed}. Local validation of a valid JWT: ${p.validations_per_s_per_core}/s per core with the verified-token cache, ${p.validations_per_s_per_core_uncached}/s with a new token each time.`,
    '',
    ...(u
      ? [
          `Refresh-token reuse detection (${u.samples} reuses under the same traffic, from the \`invalid_grant\` to the last of ${p.replicas} replicas refusing the family's JWT access tokens): p50 ${u.p50_ms} ms, p99 ${u.p99_ms} ms (budget ${u.budget_p99_ms} ms: ${u.p99_ms < u.budget_p99_ms ? 'met' : 'MISSED'}), max ${u.max_ms} ms, missed ${u.missed}.`,
          '',
        ]
      : []),
  ];
}

/** Grouped bars of throughput (ours, peer) and p99 per scenario. */
function svg(j) {
  const W = 900;
  const rowH = 54;
  const left = 190;
  const H = 60 + rowH * j.scenarios.length;
  const maxRps = Math.max(...j.scenarios.flatMap((s) => [s.ours.rps, s.peer?.rps ?? 0]));
  const barW = (v) => ((W - left - 260) * v) / maxRps;
  const bars = j.scenarios
    .map((s, i) => {
      const y = 40 + i * rowH;
      const peer = s.peer
        ? `<rect x="${left}" y="${y + 20}" width="${barW(s.peer.rps)}" height="16" fill="#bbb"/><text x="${left + barW(s.peer.rps) + 4}" y="${y + 33}" font-size="11">${s.peer.rps} req/s · p99 ${s.peer.p99_ms} ms</text>`
        : '';
      return `<text x="${left - 8}" y="${y + 22}" font-size="12" text-anchor="end">${s.name}</text><rect x="${left}" y="${y}" width="${barW(s.ours.rps)}" height="16" fill="#2a7"/><text x="${left + barW(s.ours.rps) + 4}" y="${y + 13}" font-size="11">${s.ours.rps} req/s · p99 ${s.ours.p99_ms} ms${s.ratio ? ` · ${s.ratio}×` : ''}</text>${peer}`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="20" font-size="14" font-weight="bold">Throughput and p99 per scenario — ours (green) vs node-oidc-provider (grey), ${j.date.slice(0, 10)}</text>
${bars}
</svg>
`;
}

module.exports = { writeReports, markdown, svg, replicationCost };
