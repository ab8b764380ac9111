// Registry propagation for bench:propagation (issue 14): a resource's lifetime changed through
// the revocation service's admin API (PUT /admin/resources/{identifier}), timed from the admin
// answer arriving to the last issuance replica issuing a token with the new lifetime. Every
// replica follows oauth.registry.v1 with a reader of its own, as a production fleet does.
const { performance } = require('node:perf_hooks');
const { URLSearchParams } = require('node:url');
const { send } = require('./propagation-http');
const { percentile, round } = require('./propagation-poll');

/** In bench.config.json: the admin client, and a resource and client of this measurement only. */
const ADMIN = { id: 'bench-admin', secret: 'bench-admin-secret-0123456789abcdef' };
const CLIENT = { id: 'bench-registry', secret: 'bench-registry-secret-0123456789abcdef' };
const RESOURCE = 'https://registry.example.com';
const SCOPES = ['registry:read'];
const basic = ({ id, secret }) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** The lifetime (exp − iat) of a token the replica issues now. */
async function lifetimeAt(tokenUrl) {
  const res = await send(tokenUrl, {
    method: 'POST',
    headers: {
      authorization: basic(CLIENT),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: RESOURCE }).toString(),
  });
  if (res.status !== 200) throw new Error(`${tokenUrl} answered ${res.status}: ${res.body}`);
  const [, claims] = JSON.parse(res.body).access_token.split('.');
  const payload = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8'));
  return { ttl: payload.exp - payload.iat, receivedAt: res.receivedAt };
}

/** When `tokenUrl` first issued a token of `ttl` seconds (Infinity past the timeout). */
async function until(tokenUrl, ttl, since, timeoutMs) {
  for (let polls = 1; ; polls++) {
    const { ttl: seen, receivedAt } = await lifetimeAt(tokenUrl);
    if (seen === ttl) return receivedAt;
    if (performance.now() - since > timeoutMs) return Infinity;
    if (polls >= 10) await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * `count` lifetime changes, one at a time, each polled on every replica in `tokenUrls` from the
 * admin answer on. Resolves with the figures; `missed` counts changes some replica had not
 * applied within `timeoutMs`.
 */
async function registryPropagation({ adminBase, tokenUrls, count, timeoutMs = 5000, log }) {
  const times = [];
  const answers = [];
  let missed = 0;
  const url = `${adminBase}/admin/resources/${encodeURIComponent(RESOURCE)}`;
  for (let i = 0; i < count; i++) {
    // Alternating lifetimes, never the one in force: every change is a change.
    const ttl = 600 + (i % 2 === 0 ? i % 300 : 300 + (i % 300));
    const res = await send(url, {
      method: 'PUT',
      headers: { authorization: basic(ADMIN), 'content-type': 'application/json' },
      body: JSON.stringify({ scopes: SCOPES, access_token_format: 'jwt', access_token_ttl: ttl }),
    });
    if (res.status !== 200) throw new Error(`PUT ${url} answered ${res.status}: ${res.body}`);
    answers.push(res.receivedAt - res.sentAt);
    const applied = await Promise.all(
      tokenUrls.map((u) => until(u, ttl, res.receivedAt, timeoutMs)),
    );
    const last = Math.max(...applied);
    if (!Number.isFinite(last)) missed++;
    else times.push(last - res.receivedAt);
    if ((i + 1) % 50 === 0) log(`${i + 1}/${count} registry changes`);
  }
  return {
    changes: count,
    replicas: tokenUrls.length,
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
    max_ms: round(Math.max(...times)),
    missed,
    admin_answer_p50_ms: round(percentile(answers, 50)),
    admin_answer_p99_ms: round(percentile(answers, 99)),
  };
}

module.exports = { registryPropagation };
