import { el, $ } from './dom.js';
import { DpopKey } from './dpop.js';
import { EventsPane } from './events-pane.js';
import { setReveal, showStep } from './http-step.js';
import { pkcePair, randomValue } from './pkce.js';
import { RFC } from './rfc.js';
import { tokenView } from './token-view.js';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
/** Everything lives in this object: memory only, gone on reload (no localStorage). */
const state = {
  config: undefined,
  tokens: {},
  oldRefresh: undefined,
  introspection: undefined,
  dpop: undefined,
  dpopNonce: undefined,
};
const events = new EventsPane();

/** The sign-in popup landed back here with the code: hand its query to the page that opened it. */
function returnFromSignIn() {
  if (!window.opener || !/[?&](code|error)=/.test(location.search)) return false;
  window.opener.postMessage(
    { kind: 'playground-callback', search: location.search },
    location.origin,
  );
  document.body.replaceChildren(el('p', { text: 'Signed in: back to the playground…' }));
  window.close();
  return true;
}

async function start() {
  if (returnFromSignIn()) return;
  state.config = await (await fetch('/playground/api/config', { cache: 'no-store' })).json();
  // The redirect URI is this page: a public client registered for this origin's /playground.
  const redirectUri = `${location.origin}/playground`;
  const found = state.config.public_clients.find((c) => c.redirect_uris.includes(redirectUri));
  const client = found && { ...found, redirect_uri: redirectUri };
  state.publicClient = client;
  $('public-client').replaceChildren(
    client
      ? el(
          'span',
          {},
          'Sign-in uses the public client ',
          el('code', { text: client.client_id }),
          ` (no secret, PKCE, redirect URI ${client.redirect_uri}).`,
        )
      : el('span', {
          class: 'status-bad',
          text: `No public client registered with redirect URI ${redirectUri}: sign-in is unavailable here (README "Playground").`,
        }),
  );
  $('flow-code').disabled = !client;
  $('reveal').addEventListener('change', (e) => setReveal(e.target.checked));
  const actions = {
    'flow-code': signIn,
    'flow-refresh': refresh,
    'flow-replay': replay,
    'flow-introspect': introspect,
    'flow-revoke': revoke,
    'flow-api': callApi,
    'flow-client-credentials': clientCredentials,
  };
  for (const [id, run] of Object.entries(actions))
    $(id).addEventListener('click', () => run().catch((e) => note(`${id}: ${e.message}`)));
  await events.open();
}

function note(text) {
  $('step-list').prepend(el('li', { class: 'step status-bad', role: 'alert', text }));
}

function enable() {
  const t = state.tokens;
  $('flow-refresh').disabled = !t.refresh_token;
  $('flow-replay').disabled = !state.oldRefresh;
  $('flow-revoke').disabled = !t.refresh_token;
  $('flow-introspect').disabled = !t.access_token;
  $('flow-api').disabled = !t.access_token;
}

function renderTokens() {
  const jwks = local(state.config.endpoints.jwks);
  const t = state.tokens;
  $('token-list').replaceChildren(
    ...[
      ['access token', t.access_token],
      ['refresh token', t.refresh_token],
      ['ID token', t.id_token],
    ]
      .filter(([, v]) => v)
      .map(([kind, v]) =>
        tokenView(kind, v, jwks, kind === 'access token' ? state.introspection : undefined),
      ),
  );
}

async function keep(json, oldRefresh) {
  state.tokens = json;
  state.oldRefresh = oldRefresh;
  state.introspection = undefined;
  renderTokens();
  enable();
  if (json.access_token) await events.register(json.access_token);
}

/** The browser's DPoP key, made on first use when DPoP is ticked. */
async function dpopKey() {
  if (!$('dpop').checked) return undefined;
  state.dpop ??= await DpopKey.generate();
  $('dpop-key').textContent = `DPoP key thumbprint (jkt): ${state.dpop.thumbprint}`;
  return state.dpop;
}

/**
 * A token endpoint request, with a DPoP proof when DPoP is ticked; a server that wants its nonce
 * in the proof (RFC 9449 §8) gets the same request again, shown as its own step.
 */
async function tokenStep({ title, rfc, body, headers = {}, secrets = [] }) {
  const url = state.config.endpoints.token;
  const key = await dpopKey();
  const proof = key ? { DPoP: await key.proof('POST', url, state.dpopNonce) } : {};
  const r = await showStep({
    title,
    rfc: key ? [rfc, RFC.dpop] : rfc,
    request: {
      method: 'POST',
      url: local(url),
      headers: { ...FORM, ...headers, ...proof },
      body,
      secrets,
    },
  });
  const nonce = r.res.headers.get('dpop-nonce');
  if (nonce) state.dpopNonce = nonce;
  if (key && r.json?.error === 'use_dpop_nonce' && nonce)
    return tokenStep({
      title: `${title} (with the server's nonce)`,
      rfc: RFC.dpopNonce,
      body,
      headers,
      secrets,
    });
  return r;
}

/**
 * An endpoint of this server, reached on the page's own origin (its CSP allows no other): the
 * issuer may be named http://localhost:3000 while the page is http://127.0.0.1:3000. DPoP's
 * `htu` keeps the advertised URL, which is what the server compares it with.
 */
function local(url) {
  const u = new URL(url);
  return u.origin === new URL(state.config.issuer).origin ? `${location.origin}${u.pathname}` : url;
}

const publicClient = () => state.publicClient;
const form = (fields) => new URLSearchParams(fields).toString();

function ownClient() {
  const id = $('own-client-id').value.trim();
  const secret = $('own-client-secret').value;
  if (!id || !secret) {
    note('Enter a client id and secret under "Use your own client" first.');
    $('own-client-id').focus();
    return undefined;
  }
  // RFC 6749 §2.3.1: both form-urlencoded before Basic encoding.
  const basic = btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`);
  return { id, secret, authorization: `Basic ${basic}`, secrets: [secret, basic] };
}

/** RFC 6749 §4.1 with PKCE: the login and consent pages open in a popup, this page waits. */
async function signIn() {
  const client = publicClient();
  const pkce = await pkcePair();
  const expected = randomValue(16);
  const url = new URL(state.config.endpoints.authorization);
  url.search = form({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: client.redirect_uri,
    scope: 'openid profile offline_access orders:read',
    resource: state.config.resource,
    state: expected,
    nonce: randomValue(16),
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
  });
  // RFC 9449 §10: the code is bound to the key too, redeemed only with a proof of it.
  const key = await dpopKey();
  if (key) url.searchParams.set('dpop_jkt', key.thumbprint);
  const answer = await showStep({
    title: 'Authorization request',
    rfc: RFC.authorize,
    request: { method: 'GET', url: url.href },
    action: 'Open the login page',
    send: () => waitForCallback(url.href),
  });
  const params = new URLSearchParams(answer.search);
  // RFC 6749 §10.12 (state) and RFC 9207 §2.4 (iss): refuse an answer meant for another flow.
  if (params.get('state') !== expected) throw new Error('state does not match: not redeemed');
  if (params.get('iss') !== state.config.issuer)
    throw new Error('iss is not this issuer: not redeemed');
  if (!params.get('code'))
    throw new Error(`${params.get('error')}: ${params.get('error_description') ?? ''}`);
  const code = params.get('code');
  const tokens = await tokenStep({
    title: 'Token request (code + PKCE verifier)',
    rfc: RFC.code,
    body: form({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirect_uri,
      client_id: client.client_id,
      code_verifier: pkce.verifier,
    }),
    secrets: [code, pkce.verifier],
  });
  if (tokens.res.ok) await keep(tokens.json);
}

function waitForCallback(href) {
  const popup = window.open(href, 'playground-sign-in', 'popup,width=520,height=720');
  if (!popup)
    throw new Error('the browser blocked the sign-in window: allow pop-ups for this page');
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (
        m.origin !== location.origin ||
        m.source !== popup ||
        m.data?.kind !== 'playground-callback'
      )
        return;
      window.removeEventListener('message', onMessage);
      resolve({
        note: `Redirected back to ${state.publicClient.redirect_uri}${m.data.search}`,
        search: m.data.search,
      });
    };
    window.addEventListener('message', onMessage);
  });
}

async function refresh() {
  const client = publicClient();
  const old = state.tokens.refresh_token;
  const r = await tokenStep({
    title: 'Refresh (rotation)',
    rfc: RFC.refresh,
    body: form({ grant_type: 'refresh_token', refresh_token: old, client_id: client.client_id }),
    secrets: [old],
  });
  if (r.res.ok) await keep(r.json, old);
}

async function replay() {
  const old = state.oldRefresh;
  await tokenStep({
    title: 'Replay the old refresh token',
    rfc: RFC.replay,
    body: form({
      grant_type: 'refresh_token',
      refresh_token: old,
      client_id: publicClient().client_id,
    }),
    secrets: [old],
  });
}

async function revoke() {
  const token = state.tokens.refresh_token;
  await showStep({
    title: 'Revoke the refresh token',
    rfc: RFC.revoke,
    request: {
      method: 'POST',
      url: local(state.config.endpoints.revocation),
      headers: FORM,
      body: form({ token, token_type_hint: 'refresh_token', client_id: publicClient().client_id }),
      secrets: [token],
    },
  });
}

async function introspect() {
  const own = ownClient();
  if (!own) return;
  const token = state.tokens.access_token;
  const r = await showStep({
    title: `Introspect (as ${own.id})`,
    rfc: RFC.introspect,
    request: {
      method: 'POST',
      url: local(state.config.endpoints.introspection),
      headers: { ...FORM, Authorization: own.authorization },
      body: form({ token, token_type_hint: 'access_token' }),
      secrets: [...own.secrets, token],
    },
  });
  if (r.json) {
    state.introspection = r.json;
    renderTokens();
  }
}

async function callApi() {
  const token = state.tokens.access_token;
  await showStep({
    title: 'Call the orders API',
    rfc: RFC.api,
    request: {
      method: 'GET',
      url: `${location.origin}${state.config.api}`,
      headers: { Authorization: `Bearer ${token}` },
      secrets: [token],
    },
  });
}

async function clientCredentials() {
  const own = ownClient();
  if (!own) return;
  const r = await tokenStep({
    title: `Client credentials (as ${own.id})`,
    rfc: RFC.clientCredentials,
    headers: { Authorization: own.authorization },
    body: form({ grant_type: 'client_credentials', resource: state.config.resource }),
    secrets: own.secrets,
  });
  if (r.res.ok) await keep(r.json);
}

start().catch((e) => note(`The playground could not start: ${e.message}`));
