// One load run with autocannon, in its own process (pinned to the load core by the caller).
// Input: a JSON spec on standard input; output: one JSON line with the figures. A spec with
// `bodies`, `bearerTokens` or `headerVariants` (headers merged over `headers`, e.g. one DPoP
// proof per request) gives every request the next one (across all connections), so each is used
// once before any repeats.
const autocannon = require('autocannon');

const spec = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
let next = 0;
const request = {
  method: spec.method,
  path: spec.path,
  headers: spec.headers,
  body: spec.body,
  ...(spec.bodies || spec.bearerTokens || spec.headerVariants ? { setupRequest: nextRequest } : {}),
};

const pick = (list, i) => list[i % list.length];

function nextRequest(req) {
  const i = next++;
  const headers = {
    ...req.headers,
    ...(spec.headerVariants ? pick(spec.headerVariants, i) : {}),
    ...(spec.bearerTokens ? { authorization: `Bearer ${pick(spec.bearerTokens, i)}` } : {}),
  };
  return { ...req, headers, ...(spec.bodies ? { body: pick(spec.bodies, i) } : {}) };
}

// autocannon finishes a fixed-amount run on its next one-second tick: time to the last response.
let lastResponseAt = 0;
const startedAt = performance.now();
const instance = autocannon(
  {
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration }),
    overallRate: spec.rate,
    requests: [request],
    timeout: 10,
  },
  (err, r) => {
    if (err) {
      process.stderr.write(String(err));
      process.exit(1);
    }
    process.stdout.write(
      JSON.stringify({
        rps: Math.round(r.requests.total / ((lastResponseAt - startedAt) / 1000)),
        p50_ms: r.latency.p50,
        p99_ms: r.latency.p99,
        max_ms: r.latency.max,
        requests: r.requests.total,
        errors: r.non2xx + r.errors + r.timeouts,
        // What the failures were, for the error the run stops with.
        ...(r.non2xx > 0 ? { status_codes: r.statusCodeStats } : {}),
      }) + '\n',
    );
  },
);
instance.on('response', () => {
  lastResponseAt = performance.now();
});
