// How bench:propagation observes the replicas, shared by its measurements (a revoked token, a
// family revoked by refresh-token reuse): each replica polled on keep-alive connections until it
// refuses the token, the time taken when the refusal arrived.
const { performance } = require('node:perf_hooks');
const { send, bearer } = require('./propagation-http');

const INVALID_TOKEN = /^Bearer (.*, )?error="invalid_token"/;

/**
 * Polls one replica with the token until it answers 401: the next request goes out as soon as
 * the previous one answered (after the first ten, 1 ms apart, so that a slow replica is not
 * flooded). Resolves with when the refusal arrived (Infinity when it never did).
 */
async function untilRefused(url, token, since, settings) {
  let stale = 0;
  let acceptedLate = false;
  for (let polls = 1; ; polls++) {
    const a = await send(url, { headers: bearer(token) });
    if (a.status === 401)
      return {
        receivedAt: a.receivedAt,
        polls,
        stale,
        acceptedLate,
        wrongChallenge: !INVALID_TOKEN.test(a.headers['www-authenticate'] ?? ''),
      };
    if (a.status === 503) stale++;
    else if (a.status !== 200) throw new Error(`${url} answered ${a.status}: ${a.body}`);
    if (a.status === 200 && a.sentAt - since >= settings.missed_after_ms) acceptedLate = true;
    if (performance.now() - since > settings.poll_timeout_ms)
      return { receivedAt: Infinity, polls, stale, acceptedLate: true, wrongChallenge: false };
    if (polls >= 10) await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * Every (replica, token) pair polled at once from `since` (a performance.now() time): when the
 * last refusal arrived, whether one came too late or never, and what the polling saw.
 */
async function untilAllRefuse(replicas, tokens, since, settings) {
  const pairs = tokens.flatMap((t) => replicas.map((r) => [r, t]));
  const per = await Promise.all(
    pairs.map(([r, t]) => untilRefused(`${r}/orders`, t, since, settings)),
  );
  const last = Math.max(...per.map((p) => p.receivedAt));
  const propagationMs = last - since;
  return {
    last,
    propagationMs,
    missed: !(propagationMs <= settings.missed_after_ms) || per.some((p) => p.acceptedLate),
    polls: per.reduce((s, p) => s + p.polls, 0),
    refusedOnFirstPoll: per.filter((p) => p.polls === 1).length,
    stale: per.reduce((s, p) => s + p.stale, 0),
    wrongChallenge: per.filter((p) => p.wrongChallenge).length,
  };
}

/** Throws unless every replica accepts every token (200): the tokens are good before the act. */
async function expectAccepted(replicas, tokens, what) {
  for (const token of tokens) {
    const answers = await Promise.all(
      replicas.map((r) => send(`${r}/orders`, { headers: bearer(token) })),
    );
    answers.forEach((a, i) => {
      if (a.status !== 200) throw new Error(`replica ${i} refused ${what}: ${a.status} ${a.body}`);
    });
  }
}

/** How many (token, replica) pairs accept a token at the end: must be 0. */
async function sweep(replicas, tokens) {
  let accepted = 0;
  const pairs = tokens.flatMap((t) => replicas.map((r) => [r, t]));
  let next = 0;
  const worker = async () => {
    while (next < pairs.length) {
      const [r, t] = pairs[next++];
      if ((await send(`${r}/orders`, { headers: bearer(t) })).status !== 401) accepted++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return accepted;
}

/** Nearest-rank percentile. */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (x) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);

module.exports = { untilAllRefuse, expectAccepted, sweep, percentile, round };
