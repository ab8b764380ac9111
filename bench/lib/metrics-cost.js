// The cost of the metrics (issue 15: at most 5 % of throughput on the token and introspection
// scenarios). Two standalone servers in the same run, on the same core, with the same settings:
// one with METRICS_ENABLED=true (the default, what every other scenario runs with) and one with
// METRICS_ENABLED=false (no /metrics route, no request hook, no metric updated). Rounds
// alternate between them, and which goes first alternates too, so that drift and order cancel.
const BUDGET = 0.05;
const SCENARIOS = ['issue-jwt-standalone', 'introspect-jwt'];

/**
 * `startStandalone(label, env)` starts a standalone server and resolves with `{ url, stop }`;
 * `measure(side, duration?)` runs one closed-loop round of a side and resolves with its figures;
 * `summarize(runs)` folds rounds; `scenarios(urls, settings)` is bench/lib/scenarios.js.
 */
async function runMetricsCost({ settings, log, startStandalone, measure, summarize, scenarios }) {
  const results = [];
  for (const name of SCENARIOS) {
    // Fresh servers per scenario, as the other scenarios get: no state carried over.
    const on = await startStandalone('ours-metrics-on', { METRICS_ENABLED: 'true' });
    let off;
    try {
      off = await startStandalone('ours-metrics-off', { METRICS_ENABLED: 'false' });
      await expectMetricsRoute(on.url, 200);
      await expectMetricsRoute(off.url, 404);
      const sideOf = (url) => {
        const scenario = scenarios({ standalone: url }, settings).find((s) => s.name === name);
        return { ...scenario.ours, label: `${name} metrics ${url === on.url ? 'on' : 'off'}` };
      };
      const sides = { on: sideOf(on.url), off: sideOf(off.url) };
      const runs = { on: [], off: [] };
      for (const key of ['on', 'off']) await measure(sides[key], settings.warmup);
      for (let round = 0; round < settings.rounds; round++)
        for (const key of round % 2 === 0 ? ['on', 'off'] : ['off', 'on'])
          runs[key].push(await measure(sides[key]));
      const withMetrics = summarize(runs.on);
      const without = summarize(runs.off);
      const cost = 1 - withMetrics.rps / without.rps;
      results.push({
        name,
        metrics_on: withMetrics,
        metrics_off: without,
        throughput_cost: +cost.toFixed(3),
        within_budget: cost <= BUDGET,
      });
      log(
        `metrics cost, ${name}: ${withMetrics.rps} rps with metrics, ${without.rps} without: ` +
          `${(cost * 100).toFixed(1)} % (budget ${BUDGET * 100} %)`,
      );
    } finally {
      await Promise.all([on.stop(), off?.stop()]);
    }
  }
  return { budget: BUDGET, scenarios: results };
}

/** The two servers differ as intended: one serves /metrics, the other has no such route. */
async function expectMetricsRoute(url, status) {
  const res = await fetch(`${url}/metrics`);
  await res.arrayBuffer();
  if (res.status !== status)
    throw new Error(`${url}/metrics answered ${res.status}, expected ${status}`);
}

/** The lines of the Markdown report. */
function metricsCostLines(m) {
  if (!m) return [];
  const rows = m.scenarios.map(
    (s) =>
      `| ${s.name} | ${s.metrics_on.rps} | ${s.metrics_off.rps} | ${(s.throughput_cost * 100).toFixed(1)} %${s.within_budget ? '' : ' **over budget**'} | ${s.metrics_on.p99_ms} / ${s.metrics_off.p99_ms} |`,
  );
  return [
    `Cost of the metrics (same run, same core, alternating rounds; budget ${m.budget * 100} % of throughput):`,
    '',
    '| scenario | req/s with metrics | req/s without | throughput cost | p99 ms with / without |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ];
}

module.exports = { runMetricsCost, metricsCostLines, METRICS_COST_SCENARIOS: SCENARIOS };
