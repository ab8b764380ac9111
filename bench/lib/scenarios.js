// The scenarios, named as the benchmark issue names them. Both sides use client_secret_basic and
// the same client, resources and scopes (bench.config.json; issue-jwt-hashed-secret gives ours
// the client with a hashed secret). Each side's `prepare()` returns the load spec for one round
// (fresh tokens where a request uses a token up). `servers` names the processes a scenario
// measures: they are restarted before it, so no scenario inherits another's state; `uses` names
// those it only calls (a run of some scenarios starts only the servers they need).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { signInCodes } = require('./sign-ins');
const { dpopKey, dpopProofs } = require('./dpop-proofs');
const federation = require('./federation');

const config = JSON.parse(readFileSync(join(__dirname, '../bench.config.json'), 'utf8'));
const client = config.clients[0];
const [ORDERS, LEDGER] = config.resources.map((r) => r.identifier);
const basic = (id, secret) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const FORM = {
  authorization: basic(client.client_id, client.client_secret),
  'content-type': 'application/x-www-form-urlencoded',
};
// Our client registered with only a scrypt hash of its secret (`npm run hash-secret` made the
// `client_secret_hash` in bench.config.json from this secret): the production configuration.
const hashedClient = config.clients.find((c) => c.client_secret_hash !== undefined);
const HASHED_SECRET = 'bench-hashed-secret-0123456789ab';
const HASHED_FORM = { ...FORM, authorization: basic(hashedClient.client_id, HASHED_SECRET) };

const form = (o) => new URLSearchParams(o).toString();
const issueBody = (resource, scope) => form({ grant_type: 'client_credentials', resource, scope });
const ORDERS_BODY = issueBody(ORDERS, 'orders:read');
const LEDGER_BODY = issueBody(LEDGER, 'ledger:read');

// The code flow's client (confidential, first-party: skip_consent on ours) and user.
const web = config.clients.find((c) => (c.grant_types ?? []).includes('authorization_code'));
const WEB_FORM = { ...FORM, authorization: basic(web.client_id, web.client_secret) };
// The refresh scenario's client: the code flow with offline_access, and the refresh_token grant.
const refresher = config.clients.find((c) => (c.grant_types ?? []).includes('refresh_token'));
const REFRESH_FORM = {
  ...FORM,
  authorization: basic(refresher.client_id, refresher.client_secret),
};
// The token exchange's client (RFC 8693): it serves the orders API (`introspects`), so it may
// exchange the tokens it is called with, and impersonates their subject into orders.
const exchanger = config.clients.find((c) => c.token_exchange !== undefined);
const EXCHANGE_FORM = {
  ...FORM,
  authorization: basic(exchanger.client_id, exchanger.client_secret),
};
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const exchangeBody = (token) =>
  form({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: token,
    subject_token_type: ACCESS_TOKEN_TYPE,
    scope: 'orders:read',
  });
/** token-exchange-repeat: the callers whose tokens the exchanging API sees again and again. */
const EXCHANGE_CALLERS = 100;
const redemptionBody = (codeClient, { code, verifier }) =>
  form({
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: codeClient.redirect_uris[0],
  });
const refreshBody = (token) => form({ grant_type: 'refresh_token', refresh_token: token });

/** Our codes of `codeClient`, by real sign-ins over HTTP before the round that uses them. */
const ourCodes = (url, count, codeClient) =>
  signInCodes(`${url}/oauth2/authorize`, count, codeClient);

/**
 * The peer's codes of `codeClient`, made by its models (bench/servers/peer-oidc-provider.mjs);
 * `extra` adds to the query (`{ userinfo: true }`: codes for its userinfo endpoint).
 */
async function peerCodes(url, count, codeClient = web, extra = {}, retries = 2) {
  let res;
  try {
    const query = new URLSearchParams({ count, client_id: codeClient.client_id, ...extra });
    res = await fetch(`${url}/bench/authorization-codes?${query}`);
  } catch (e) {
    // A keep-alive socket the peer closed during the load round: ask again on a fresh one.
    if (retries > 0) return peerCodes(url, count, codeClient, extra, retries - 1);
    throw e;
  }
  if (!res.ok) throw new Error(`peer code preparation answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Paths differ: ours follow DESIGN, the peer keeps its defaults. */
const OURS = { token: '/oauth2/token', introspect: '/oauth2/introspect', revoke: '/oauth2/revoke' };
const PEER = { token: '/token', introspect: '/token/introspection', revoke: '/token/revocation' };

/** POSTs a form (client_secret_basic) and returns the JSON answer; a non-2xx answer throws. */
async function postForm(url, body, headers = FORM, retries = 2) {
  let res;
  try {
    res = await fetch(url, { method: 'POST', headers, body });
  } catch (e) {
    // A keep-alive socket the server closed after a load round: ask again on a fresh one.
    if (retries > 0) return postForm(url, body, headers, retries - 1);
    throw e;
  }
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function issue(url, paths, body) {
  return (await postForm(url + paths.token, body)).access_token;
}

async function issueMany(url, paths, body, n) {
  const tokens = [];
  const worker = async () => {
    while (tokens.length < n) tokens.push(await issue(url, paths, body));
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return tokens.slice(0, n);
}

const post = (url, path, body, headers = FORM) => ({ url, method: 'POST', path, headers, body });

/**
 * The refresh scenario's tokens: each code (a grant of its own) redeemed at the side's token
 * endpoint for the grant's first refresh token, outside the timed part.
 */
async function redeemForRefreshTokens(url, paths, codes) {
  const tokens = [];
  let next = 0;
  const worker = async () => {
    while (next < codes.length) {
      const body = redemptionBody(refresher, codes[next++]);
      const answer = await postForm(url + paths.token, body, REFRESH_FORM);
      if (typeof answer.refresh_token !== 'string')
        throw new Error(
          `${url}: a code of ${refresher.client_id} redeemed without a refresh token: ${Object.keys(answer)}`,
        );
      tokens.push(answer.refresh_token);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return tokens;
}

/** The `alg` of a JWS in compact form, or undefined for anything else. */
function algOf(jws) {
  try {
    return JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString('utf8')).alg;
  } catch {
    return undefined;
  }
}

/** The payload of a JWT in compact form, or undefined for anything else. */
function payloadOf(jwt) {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A DPoP-bound token used at `url`: the side accepts it with a proof of its key carrying `ath`
 * (RFC 9449 §7.1), and refuses the same proof again (its `jti` is spent), before each round, so a
 * side that skipped either check would not be measured.
 */
async function checkDpopUse(url, key, token) {
  const [proof] = await dpopProofs(key, { htm: 'GET', htu: url, count: 1, accessToken: token });
  const use = () => fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
  const first = await use();
  if (first.status !== 200)
    throw new Error(
      `${url}: a DPoP-bound token with its proof answered ${first.status}: ${await first.text()}`,
    );
  await first.arrayBuffer();
  const replay = await use();
  await replay.arrayBuffer();
  if (replay.status !== 401)
    throw new Error(`${url}: a replayed DPoP proof answered ${replay.status}, not 401`);
}

/**
 * The side does the scenario's work, checked on a grant of its own before each round: a refresh
 * answers an ES256 JWT access token, an RS256 ID token and a new refresh token (rotation), and
 * the presented token, presented again, is refused `invalid_grant` (reuse, which revokes that
 * grant).
 */
async function checkRotation(url, paths, token) {
  const answer = await postForm(url + paths.token, refreshBody(token), REFRESH_FORM);
  const missing = ['access_token', 'id_token', 'refresh_token'].filter(
    (k) => typeof answer[k] !== 'string',
  );
  if (missing.length > 0 || answer.refresh_token === token)
    throw new Error(
      `${url}: a refresh without ${missing.join(', ') || 'a new refresh token'}: ${Object.keys(answer)}`,
    );
  const algs = { access_token: algOf(answer.access_token), id_token: algOf(answer.id_token) };
  if (algs.access_token !== 'ES256' || algs.id_token !== 'RS256')
    throw new Error(`${url}: a refresh answered other tokens: ${JSON.stringify(algs)}`);
  const again = await fetch(url + paths.token, {
    method: 'POST',
    headers: REFRESH_FORM,
    body: refreshBody(token),
  });
  const refused = await again.json().catch(() => ({}));
  if (again.status !== 400 || refused.error !== 'invalid_grant')
    throw new Error(
      `${url}: a retired refresh token presented again answered ${again.status} ${JSON.stringify(refused)}, not invalid_grant`,
    );
}

/**
 * An introspection load spec, once the token is seen active: a side answering `{"active":false}`
 * would be measured on its cheapest path.
 */
async function introspection(url, path, token) {
  const answer = await postForm(url + path, form({ token }));
  if (answer.active !== true)
    throw new Error(`${url}${path} does not find the token active: ${JSON.stringify(answer)}`);
  return post(url, path, form({ token }));
}

/**
 * The side does the exchange, checked before each round: an ES256 JWT for orders whose `sub` is
 * the subject token's client and whose `client_id` is the exchanging client, typed as RFC 8693
 * §2.2.1 says.
 */
async function checkExchange(url, token) {
  const answer = await postForm(url + OURS.token, exchangeBody(token), EXCHANGE_FORM);
  const claims = payloadOf(answer.access_token);
  if (
    answer.issued_token_type !== ACCESS_TOKEN_TYPE ||
    algOf(answer.access_token) !== 'ES256' ||
    claims?.sub !== client.client_id ||
    claims?.client_id !== exchanger.client_id
  )
    throw new Error(`${url}: a token exchange answered ${JSON.stringify(Object.keys(answer))}`);
}

function side(label, prepare) {
  return { label, prepare };
}

function scenarios(urls, settings) {
  const peer = urls.peer;
  // A new token each round: servers restart between scenarios, and their stores with them.
  const introspectPeerOpaque = side('peer', async () =>
    introspection(peer, PEER.introspect, await issue(peer, PEER, LEDGER_BODY)),
  );
  // One refresh token per request, each its grant's live token presented for the first time
  // (bench/README.md "refresh": why not a chain); one more grant checks the rotation.
  const refreshSide = (label, url, paths, makeCodes) =>
    side(label, async () => {
      const [probe, ...tokens] = await redeemForRefreshTokens(
        url,
        paths,
        await makeCodes(settings.refreshes + 1),
      );
      await checkRotation(url, paths, probe);
      return {
        ...post(url, paths.token, undefined, REFRESH_FORM),
        bodies: tokens.map(refreshBody),
        amount: tokens.length,
      };
    });
  // One DPoP proof per request (each jti is accepted once), made before the round with one key
  // (one client, one key): a client_credentials token bound to it, as the peer binds its own.
  const dpopIssueSide = (label, url, paths) =>
    side(label, async () => {
      const key = await dpopKey();
      const htu = url + paths.token;
      const proofs = await dpopProofs(key, { htm: 'POST', htu, count: settings.proofs });
      const probe = await postForm(htu, ORDERS_BODY, {
        ...FORM,
        dpop: (await dpopProofs(key, { htm: 'POST', htu, count: 1 }))[0],
      });
      if (probe.token_type !== 'DPoP' || algOf(probe.access_token) !== 'ES256')
        throw new Error(
          `${url}: a DPoP token request answered ${JSON.stringify(probe.token_type)}`,
        );
      return {
        ...post(url, paths.token, ORDERS_BODY),
        headerVariants: proofs.map((dpop) => ({ dpop })),
        amount: proofs.length,
      };
    });
  // One DPoP-bound token per round (one client, one key), then one proof per request carrying
  // that token's `ath`, made before the round and used once (RFC 9449 §7.1); `bound(key)` gets
  // the token from the side's token endpoint with a proof of the key.
  const dpopUseSide = (label, url, path, bound) =>
    side(label, async () => {
      const key = await dpopKey();
      const token = await bound(key);
      const htu = url + path;
      await checkDpopUse(htu, key, token);
      const proofs = await dpopProofs(key, {
        htm: 'GET',
        htu,
        count: settings.proofs,
        accessToken: token,
      });
      return {
        url,
        method: 'GET',
        path,
        headers: { authorization: `DPoP ${token}` },
        headerVariants: proofs.map((dpop) => ({ dpop })),
        amount: proofs.length,
      };
    });
  /** A token of ours for the orders API (client_credentials), bound to `key`: cnf.jkt checked. */
  const ourBoundToken = async (key) => {
    const htu = urls.standalone + OURS.token;
    const [dpop] = await dpopProofs(key, { htm: 'POST', htu, count: 1 });
    const answer = await postForm(htu, ORDERS_BODY, { ...FORM, dpop });
    if (answer.token_type !== 'DPoP' || payloadOf(answer.access_token)?.cnf?.jkt !== key.jkt)
      throw new Error(`${htu}: no token bound to the proof's key: ${answer.token_type}`);
    return answer.access_token;
  };
  /**
   * A token of ours from a real sign-in (bench-web: openid profile email, and orders), its code
   * redeemed with a proof of `key`: our /oauth2/userinfo takes it (it carries `openid`).
   */
  const ourSignInBoundToken = async (key) => {
    const htu = urls.standalone + OURS.token;
    const [code] = ourCodes(urls.standalone, 1, web);
    const [dpop] = await dpopProofs(key, { htm: 'POST', htu, count: 1 });
    const answer = await postForm(htu, redemptionBody(web, code), { ...WEB_FORM, dpop });
    if (answer.token_type !== 'DPoP' || payloadOf(answer.access_token)?.cnf?.jkt !== key.jkt)
      throw new Error(`${htu}: no token bound to the proof's key: ${answer.token_type}`);
    return answer.access_token;
  };
  /** The peer's token for its userinfo endpoint (a code without resource), bound to `key`. */
  const peerBoundToken = async (key) => {
    const htu = peer + PEER.token;
    const [code] = await peerCodes(peer, 1, web, { userinfo: true });
    const [dpop] = await dpopProofs(key, { htm: 'POST', htu, count: 1 });
    const answer = await postForm(htu, redemptionBody(web, code), { ...WEB_FORM, dpop });
    if (answer.token_type !== 'DPoP')
      throw new Error(`${htu}: a code redeemed with a DPoP proof answered ${answer.token_type}`);
    return answer.access_token;
  };
  // client_credentials with a client assertion per request (each jti spent once), made before
  // the round; `assertions(audience, n)` makes them, `clientId` is named with client_id. The
  // side's first request fetches its key set; the probe makes sure it is cached before timing.
  const assertionIssueSide = (label, clientId, assertions) =>
    side(label, async () => {
      const url = urls.standalone;
      const body = (a) =>
        form({
          ...Object.fromEntries(new URLSearchParams(ORDERS_BODY)),
          client_id: clientId,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: a,
        });
      const headers = { 'content-type': FORM['content-type'] };
      const [probe] = await assertions(url, 1);
      const answer = await postForm(url + OURS.token, body(probe), headers);
      if (payloadOf(answer.access_token)?.client_id !== clientId)
        throw new Error(`${url}: ${clientId}'s assertion gave no token of ${clientId}`);
      const again = await fetch(url + OURS.token, { method: 'POST', headers, body: body(probe) });
      await again.arrayBuffer();
      if (again.status !== 401)
        throw new Error(`${url}: a replayed assertion of ${clientId} answered ${again.status}`);
      const all = await assertions(url, settings.assertions);
      return {
        ...post(url, OURS.token, undefined, headers),
        bodies: all.map(body),
        amount: all.length,
      };
    });
  const revokeSide = (label, url, paths) =>
    side(label, async () => {
      const tokens = await issueMany(url, paths, LEDGER_BODY, settings.revocations);
      return {
        ...post(url, paths.revoke),
        bodies: tokens.map((token) => form({ token, token_type_hint: 'access_token' })),
        amount: tokens.length,
      };
    });

  // `count` subject tokens, issued by client_credentials before the round. `once`: each is
  // exchanged once (every one verified afresh: no verified-token cache helps); otherwise the
  // round cycles through them for its duration, as an API exchanges the token of each call and
  // a caller's token comes again and again (its signature verified once, its revocation state
  // checked every time).
  const exchangeSide = (count, once) =>
    side('token-exchange', async () => {
      const [probe, ...tokens] = await issueMany(urls.standalone, OURS, ORDERS_BODY, count + 1);
      await checkExchange(urls.standalone, probe);
      return {
        ...post(urls.standalone, OURS.token, undefined, EXCHANGE_FORM),
        bodies: tokens.map(exchangeBody),
        ...(once ? { amount: tokens.length } : {}),
      };
    });
  const clientCredentialsSide = side('client_credentials', async () =>
    post(urls.standalone, OURS.token, ORDERS_BODY),
  );

  return [
    {
      name: 'issue-federated-credential',
      servers: ['standalone'],
      note: `client_credentials, ES256 JWT, the client authenticated by a federated credential (RFC 7523 §2.2: a CI platform's token, its issuer's keys found by discovery and cached); the peer column is our own private_key_jwt client (its keys at a jwks_uri, cached) in the same run, the baseline the issue names; ${settings.assertions} assertions per round and side, made beforehand, each jti spent once`,
      ours: assertionIssueSide(
        'ours',
        federation.federatedClient.client_id,
        federation.federatedAssertions,
      ),
      peer: assertionIssueSide(
        'private_key_jwt',
        federation.ownKeysClient.client_id,
        federation.ownAssertions,
      ),
    },
    {
      name: 'issue-jwt-standalone',
      servers: ['standalone', 'peer'],
      note: 'client_credentials, ES256 JWT; ours on in-memory adapters',
      ours: side('ours', async () => post(urls.standalone, OURS.token, ORDERS_BODY)),
      peer: side('peer', async () => post(peer, PEER.token, ORDERS_BODY)),
    },
    {
      name: 'issue-jwt-hashed-secret',
      servers: ['standalone', 'peer'],
      note: 'as issue-jwt-standalone, but our client holds only a scrypt hash of its secret (the peer: a plain secret)',
      ours: side('ours', async () => {
        // One request first: it fails loudly if hash and secret disagree, and it is the one
        // that pays scrypt; the rounds measure the verified-secret cache, as a client sees it.
        await postForm(urls.standalone + OURS.token, ORDERS_BODY, HASHED_FORM);
        return post(urls.standalone, OURS.token, ORDERS_BODY, HASHED_FORM);
      }),
      peer: side('peer', async () => post(peer, PEER.token, ORDERS_BODY)),
    },
    {
      name: 'issue-jwt-cluster',
      servers: ['issuance', 'peer'],
      uses: ['revocation'],
      note: 'ours: split issuance service, every token acknowledged on Kafka (acks=all)',
      ours: side('ours', async () => post(urls.issuance, OURS.token, ORDERS_BODY)),
      peer: side('peer', async () => post(peer, PEER.token, ORDERS_BODY)),
    },
    {
      name: 'issue-jwt-ha',
      servers: ['issuance-ha', 'peer'],
      uses: ['revocation-ha'],
      note: 'ours: issue-jwt-cluster on the --ha engines: three Kafka brokers (the lifecycle topic RF 3, min.insync.replicas=2, acks=all: each token waits for two copies) and a Redis Cluster of three primaries with a replica each',
      ours: side('ours', async () => post(urls['issuance-ha'], OURS.token, ORDERS_BODY)),
      peer: side('peer', async () => post(peer, PEER.token, ORDERS_BODY)),
    },
    {
      name: 'issue-dpop-standalone',
      servers: ['standalone', 'peer'],
      note: `client_credentials, ES256 JWT bound to an ES256 DPoP key (RFC 9449): each request its own proof (${settings.proofs} per round, made beforehand), checked, its jti spent, cnf.jkt in the token`,
      ours: dpopIssueSide('ours', urls.standalone, OURS),
      peer: dpopIssueSide('peer', peer, PEER),
    },
    {
      name: 'issue-opaque-standalone',
      servers: ['standalone', 'peer'],
      note: 'client_credentials, opaque token',
      ours: side('ours', async () => post(urls.standalone, OURS.token, LEDGER_BODY)),
      peer: side('peer', async () => post(peer, PEER.token, LEDGER_BODY)),
    },
    {
      name: 'introspect-jwt',
      servers: ['standalone', 'peer'],
      note: 'peer figure: its opaque-token introspection (it cannot introspect JWTs)',
      ours: side('ours', async () =>
        introspection(
          urls.standalone,
          OURS.introspect,
          await issue(urls.standalone, OURS, ORDERS_BODY),
        ),
      ),
      peer: introspectPeerOpaque,
    },
    {
      name: 'introspect-opaque',
      servers: ['introspection', 'peer'],
      uses: ['issuance', 'revocation'],
      note: 'ours: split introspection service reading Redis',
      ours: side('ours', async () =>
        introspection(
          urls.introspection,
          OURS.introspect,
          await issue(urls.issuance, OURS, LEDGER_BODY),
        ),
      ),
      peer: introspectPeerOpaque,
    },
    {
      name: 'revoke',
      servers: ['standalone', 'peer'],
      note: `each request revokes a distinct opaque token (${settings.revocations} per round)`,
      ours: revokeSide('ours', urls.standalone, OURS),
      peer: revokeSide('peer', peer, PEER),
    },
    {
      name: 'code-redemption',
      servers: ['standalone', 'peer'],
      note: `authorization_code with PKCE S256: an RS256 ID token and an ES256 JWT access token (orders) per request, each code used once (${settings.codes} per round); codes made before each round, ours by real sign-ins over HTTP, the peer's by its Grant and AuthorizationCode models`,
      ours: side('ours', async () => {
        const codes = ourCodes(urls.standalone, settings.codes, web);
        return {
          ...post(urls.standalone, OURS.token, undefined, WEB_FORM),
          bodies: codes.map((c) => redemptionBody(web, c)),
          amount: codes.length,
        };
      }),
      peer: side('peer', async () => {
        const codes = await peerCodes(peer, settings.codes);
        return {
          ...post(peer, PEER.token, undefined, WEB_FORM),
          bodies: codes.map((c) => redemptionBody(web, c)),
          amount: codes.length,
        };
      }),
    },
    {
      name: 'refresh',
      servers: ['standalone', 'peer'],
      note: `grant_type=refresh_token with rotation on both sides: a new refresh token, an ES256 JWT access token (orders) and an RS256 ID token per request, each refresh token its grant's live one, presented once (${settings.refreshes} grants per round); grants made before each round, ours by real sign-ins over HTTP, the peer's by its Grant and AuthorizationCode models, and each code redeemed at the side's token endpoint for its first refresh token`,
      ours: refreshSide('ours', urls.standalone, OURS, async (n) =>
        ourCodes(urls.standalone, n, refresher),
      ),
      peer: refreshSide('peer', peer, PEER, (n) => peerCodes(peer, n, refresher)),
    },
    {
      name: 'rs-local-validate',
      // The replica keeps no live tokens (its verified-token cache is bounded): only the peer,
      // which does, restarts.
      servers: ['peer'],
      // The revocation service's projector keeps the feed the replica's mirror follows alive
      // (its heartbeat): without it the mirror turns stale and the replica answers 503.
      uses: ['rs', 'standalone', 'revocation'],
      note: 'ours: resource-server library validating a JWT locally; peer figure: its opaque introspection',
      ours: side('ours', async () => ({
        url: urls.rs,
        method: 'GET',
        path: '/orders',
        headers: { authorization: `Bearer ${await issue(urls.standalone, OURS, ORDERS_BODY)}` },
      })),
      peer: introspectPeerOpaque,
    },
    {
      name: 'rs-dpop-validate',
      // As rs-local-validate: only the peer keeps live tokens (and its spent proofs' jtis).
      servers: ['peer'],
      uses: ['rs', 'standalone', 'revocation'],
      note: `ours: resource-server library validating a DPoP-bound JWT (cnf.jkt) with a proof per request (ath, htm, htu, jti spent in the replica's Redis); peer figure: its userinfo endpoint (/me) with a DPoP-bound opaque token and a proof per request (its only resource-side DPoP check; it also reads the account's claims, and keeps jtis in its own memory); ${settings.proofs} proofs per round, made beforehand, each used once`,
      ours: dpopUseSide('ours', urls.rs, '/orders', ourBoundToken),
      peer: dpopUseSide('peer', peer, '/me', peerBoundToken),
    },
    {
      name: 'userinfo-dpop',
      servers: ['standalone', 'peer'],
      note: `both sides' userinfo endpoint (OIDC Core §5.3) with a DPoP-bound token of a sign-in (openid profile email) and a proof per request (ath, htm, htu, jti kept in the process's memory on both); ours: the standalone server's /oauth2/userinfo, a JWT; the peer: /me, an opaque token; ${settings.proofs} proofs per round, made beforehand, each used once`,
      ours: dpopUseSide('ours', urls.standalone, '/oauth2/userinfo', ourSignInBoundToken),
      peer: dpopUseSide('peer', peer, '/me', peerBoundToken),
    },
    {
      name: 'token-exchange',
      servers: ['standalone'],
      note: `ours against ours (the "peer" column is our client_credentials issuance in the same run; the issue asks at least 0.8×): RFC 8693 token exchange, impersonation of a client_credentials ES256 JWT (orders) into an ES256 JWT for orders by an API serving it, each subject token verified, checked for revocation and exchanged once (${settings.exchanges} per round, issued beforehand), against client_credentials issuance of the same ES256 JWT; in-memory adapters`,
      ours: exchangeSide(settings.exchanges, true),
      peer: clientCredentialsSide,
    },
    {
      name: 'token-exchange-repeat',
      servers: ['standalone'],
      note: `as token-exchange, but ${EXCHANGE_CALLERS} subject tokens per round, exchanged again and again for the round's duration (an API exchanging the token of each call of a few callers: each signature verified once, each revocation state checked on every request)`,
      ours: exchangeSide(EXCHANGE_CALLERS, false),
      peer: clientCredentialsSide,
    },
  ];
}

module.exports = { scenarios };
