// Background API traffic for the propagation benchmark, in its own process (so the driver's
// timing is not disturbed by it): autocannon at a fixed overall rate against every replica, with
// valid JWTs, until the parent sends 'stop'; then it sends the figures back and exits.
//   fork(__filename, [JSON.stringify({ urls, tokens, rate, connections })])
const autocannon = require('autocannon');

const spec = JSON.parse(process.argv[2]);
let next = 0;

const instance = autocannon(
  {
    url: spec.urls,
    // A multiple of the number of URLs: autocannon spreads connections over them.
    connections: spec.connections,
    overallRate: spec.rate,
    duration: 24 * 3600,
    timeout: 10,
    requests: [
      {
        method: 'GET',
        path: '/orders',
        setupRequest: (req) => ({
          ...req,
          headers: { authorization: `Bearer ${spec.tokens[next++ % spec.tokens.length]}` },
        }),
      },
    ],
  },
  (err, r) => {
    if (err) {
      process.send({ error: String(err) });
    } else {
      process.send({
        rps: Math.round(r.requests.total / r.duration),
        requests: r.requests.total,
        duration_s: r.duration,
        p50_ms: r.latency.p50,
        p99_ms: r.latency.p99,
        max_ms: r.latency.max,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
      });
    }
    process.disconnect();
  },
);

process.on('message', (m) => {
  if (m === 'stop') instance.stop();
});
// The parent went away: stop generating load at once.
process.on('disconnect', () => process.exit(0));
process.send('started');
