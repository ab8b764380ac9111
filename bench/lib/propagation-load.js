// One autocannon run for the per-core figure, in its own process (pinned by the caller).
// Input: argv[2] = JSON { url, path, connections, duration?, amount?, tokensFile }; every request
// carries the next token of the file (one per line), so a file of distinct tokens each used once
// measures uncached verification. Output: one JSON line.
const { readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const autocannon = require('autocannon');

const spec = JSON.parse(process.argv[2]);
const tokens = readFileSync(spec.tokensFile, 'utf8').split('\n').filter(Boolean);
let next = 0;
const t0 = performance.now();

autocannon(
  {
    url: spec.url,
    connections: spec.connections,
    // Either a fixed number of requests or a duration (autocannon rejects duration: undefined).
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration }),
    timeout: 10,
    requests: [
      {
        method: 'GET',
        path: spec.path,
        setupRequest: (req) => ({
          ...req,
          headers: { authorization: `Bearer ${tokens[next++ % tokens.length]}` },
        }),
      },
    ],
  },
  (err, r) => {
    if (err) {
      process.stderr.write(String(err));
      process.exit(1);
    }
    process.stdout.write(
      JSON.stringify({
        // Timed here: autocannon rounds its own duration to whole seconds.
        rps: Math.round(r.requests.total / ((performance.now() - t0) / 1000)),
        p50_ms: r.latency.p50,
        p99_ms: r.latency.p99,
        requests: r.requests.total,
        errors: r.non2xx + r.errors + r.timeouts,
      }) + '\n',
    );
  },
);
