// bench:propagation's reuse detection (RFC 9700 §4.14.2, issue 11): a grant with a refresh token
// and JWT access tokens; the refresh token rotated, then the retired one presented again at the
// issuance service. Timed from that `invalid_grant` answer arriving to the last replica's first
// refusal of the family's last JWT access token, every (replica, token) pair polled at once.
const { URLSearchParams } = require('node:url');
const { ensureBuilt } = require('../../scripts/build-if-needed');
const { freePort, startServer } = require('./processes');
const { send } = require('./propagation-http');
const { untilAllRefuse, expectAccepted, percentile, round } = require('./propagation-poll');
const { signInCodes } = require('./sign-ins');

// The client of the `refresh` scenario: the code flow with offline_access, orders JWTs, no
// reuse grace (refresh_token_reuse_grace_seconds 0: the first reuse revokes the grant).
const config = require('../bench.config.json');
const client = config.clients.find((c) => (c.grant_types ?? []).includes('refresh_token'));
const FORM = {
  authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
  'content-type': 'application/x-www-form-urlencoded',
};

/**
 * `count` families ({ refreshToken, accessToken }: a grant's first refresh token and its first
 * JWT access token), made before anything is measured by real sign-ins (bench/lib/sign-in-codes.ts)
 * on a standalone process that shares the topology's Kafka, Redis, issuer and keys (the measured
 * topology has no front channel of its own), each code redeemed at the issuance service. The
 * standalone process is stopped before this returns.
 */
async function prepareFamilies({ topology, count, log }) {
  const startedAt = Date.now();
  const port = await freePort();
  const frontChannel = `http://127.0.0.1:${port}`;
  log(`${count} sign-ins on a front channel sharing Kafka and Redis…`);
  const server = await startServer('front-channel', [ensureBuilt('standalone')], {
    pin: false,
    env: {
      ...topology.cluster,
      PORT: String(port),
      AUTHORIZATION_ENDPOINT: `${frontChannel}/oauth2/authorize`,
      LOGIN_URL: `${frontChannel}/login`,
      CONSENT_URL: `${frontChannel}/consent`,
      // The codes wait for the last sign-in before they are redeemed: ten minutes, the most.
      AUTHORIZATION_CODE_TTL_SECONDS: '600',
    },
    readyUrl: `${frontChannel}/health/ready`,
  });
  let codes;
  try {
    codes = signInCodes(`${frontChannel}/oauth2/authorize`, count, client);
  } finally {
    await server.stop();
  }
  log(`${count} codes redeemed at the issuance service…`);
  const families = [];
  let next = 0;
  const worker = async () => {
    while (next < codes.length) {
      const { code, verifier } = codes[next++];
      const answer = await token(topology, {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: client.redirect_uris[0],
      });
      if (answer.status !== 200 || !answer.json.refresh_token)
        throw new Error(`code redemption answered ${answer.status}: ${answer.body}`);
      families.push({
        refreshToken: answer.json.refresh_token,
        accessToken: answer.json.access_token,
      });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  log(`${families.length} families in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  return families;
}

async function token(topology, params) {
  const body = new URLSearchParams(params).toString();
  const res = await send(topology.issuance, { method: 'POST', headers: FORM, body });
  let json = {};
  try {
    json = JSON.parse(res.body);
  } catch {
    // Reported with the status and raw body by the caller.
  }
  return { ...res, json };
}

const refresh = (topology, refreshToken) =>
  token(topology, { grant_type: 'refresh_token', refresh_token: refreshToken });

const isInvalidGrant = (a) => a.status === 400 && a.json.error === 'invalid_grant';

/**
 * One sample: the family's refresh token rotated (a second JWT access token), both JWTs seen
 * accepted by every replica, then the retired refresh token presented again; timed from its
 * `invalid_grant` to the last replica refusing both JWTs. The newest refresh token must be
 * refused afterwards too (the whole grant is revoked).
 */
async function reuseOne(topology, family, settings) {
  const rotated = await refresh(topology, family.refreshToken);
  if (rotated.status !== 200 || !rotated.json.refresh_token || !rotated.json.access_token)
    throw new Error(`refresh answered ${rotated.status}: ${rotated.body}`);
  if (rotated.json.refresh_token === family.refreshToken)
    throw new Error('the refresh answered the presented refresh token again: no rotation');
  const accessTokens = [family.accessToken, rotated.json.access_token];
  await expectAccepted(topology.replicas, accessTokens, "a valid JWT of the family's grant");
  const reused = await refresh(topology, family.refreshToken);
  if (!isInvalidGrant(reused))
    throw new Error(`the retired refresh token answered ${reused.status}: ${reused.body}`);
  const since = reused.receivedAt;
  const seen = await untilAllRefuse(topology.replicas, accessTokens, since, settings);
  const newest = await refresh(topology, rotated.json.refresh_token);
  if (newest.status !== 200 && !isInvalidGrant(newest))
    throw new Error(`the newest refresh token answered ${newest.status}: ${newest.body}`);
  return {
    ...seen,
    accessTokens,
    fromRequestMs: seen.last - reused.sentAt,
    reuseAnswerMs: reused.receivedAt - reused.sentAt,
    newestRefreshAccepted: newest.status === 200,
  };
}

/** One sample per family, `settings.concurrency` at a time. */
async function reuseMany(topology, families, settings, log) {
  const outcomes = [];
  let next = 0;
  const worker = async () => {
    while (next < families.length) {
      outcomes.push(await reuseOne(topology, families[next++], settings));
      if (outcomes.length % 250 === 0) log(`${outcomes.length} reuses done`);
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  return outcomes;
}

/**
 * The measurement's figures. `passed` is the verdict bench:propagation exits on: p99 within the
 * budget, no sample missed or never refused, no token of a revoked family accepted in the final
 * sweep, and no newest refresh token still exchangeable after the reuse.
 */
function reuseFigures(outcomes, acceptedAtEnd, settings) {
  const times = outcomes.map((o) => o.propagationMs).filter(Number.isFinite);
  const fromRequest = outcomes.map((o) => o.fromRequestMs).filter(Number.isFinite);
  const answers = outcomes.map((o) => o.reuseAnswerMs);
  const figures = {
    samples: outcomes.length,
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
    max_ms: round(Math.max(...times)),
    missed: outcomes.filter((o) => o.missed).length,
    never_refused: outcomes.filter((o) => !Number.isFinite(o.propagationMs)).length,
    budget_p99_ms: settings.reuse_budget_p99_ms,
    refresh_token_live_after_reuse: outcomes.filter((o) => o.newestRefreshAccepted).length,
    accepted_again_at_end: acceptedAtEnd,
  };
  return {
    ...figures,
    passed:
      figures.p99_ms !== null &&
      figures.p99_ms < figures.budget_p99_ms &&
      figures.missed === 0 &&
      figures.never_refused === 0 &&
      figures.refresh_token_live_after_reuse === 0 &&
      acceptedAtEnd === 0,
    detail: {
      access_tokens_per_family: 2,
      from_reuse_request_p50_ms: round(percentile(fromRequest, 50)),
      from_reuse_request_p99_ms: round(percentile(fromRequest, 99)),
      reuse_answer_p50_ms: round(percentile(answers, 50)),
      reuse_answer_p99_ms: round(percentile(answers, 99)),
      refused_on_first_poll: outcomes.reduce((s, o) => s + o.refusedOnFirstPoll, 0),
      replica_polls: outcomes.reduce((s, o) => s + o.polls, 0),
      stale_503_while_polling: outcomes.reduce((s, o) => s + o.stale, 0),
      wrong_challenge: outcomes.reduce((s, o) => s + o.wrongChallenge, 0),
    },
  };
}

module.exports = { prepareFamilies, reuseMany, reuseFigures };
