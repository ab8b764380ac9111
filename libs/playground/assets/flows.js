// The flows behind the buttons: each a few steps, each step shown before it is sent.
import { keyClient, ownClient, publicClient } from './clients.js';
import { showStep } from './http-step.js';
import { pkcePair, randomValue } from './pkce.js';
import { RFC } from './rfc.js';
import { form, state } from './state.js';
import { apiStep, dpopKey, tokenStep } from './steps.js';
import { keep, renderTokens } from './view.js';
import { pageKey } from './page-key.js';

const signInClient = () => publicClient(state.publicClient.client_id);

/** RFC 6749 §4.1 with PKCE: the login and consent pages open in a popup, this page waits. */
export async function signIn(events) {
  const client = state.publicClient;
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
    client: signInClient(),
    fields: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirect_uri,
      code_verifier: pkce.verifier,
    },
    secrets: [code, pkce.verifier],
  });
  if (tokens.res.ok) await keep(tokens.json, signInClient(), events);
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

export async function refresh(events) {
  const old = state.tokens.refresh_token;
  const client = state.client;
  const r = await tokenStep({
    title: 'Refresh (rotation)',
    rfc: RFC.refresh,
    client,
    fields: { grant_type: 'refresh_token', refresh_token: old },
    secrets: [old],
  });
  if (r.res.ok) await keep(r.json, client, events, old);
}

export async function replay() {
  const old = state.oldRefresh;
  await tokenStep({
    title: 'Replay the old refresh token',
    rfc: RFC.replay,
    client: state.client,
    fields: { grant_type: 'refresh_token', refresh_token: old },
    secrets: [old],
  });
}

/** RFC 7009 §2.1: the client that obtained the token revokes it, authenticated as itself. */
async function revokeToken(title, token, hint) {
  await tokenStep({
    title,
    rfc: RFC.revoke,
    url: state.config.endpoints.revocation,
    client: state.client,
    fields: { token, token_type_hint: hint },
    secrets: [token],
  });
}

export const revokeRefresh = () =>
  revokeToken('Revoke the refresh token', state.tokens.refresh_token, 'refresh_token');
export const revokeAccess = () =>
  revokeToken('Revoke the access token', state.tokens.access_token, 'access_token');

export async function introspect() {
  const own = await ownClient(state.config.issuer);
  const r = await tokenStep({
    title: `Introspect (as ${own.id})`,
    rfc: RFC.introspect,
    url: state.config.endpoints.introspection,
    client: own,
    fields: { token: state.tokens.access_token, token_type_hint: 'access_token' },
    secrets: [state.tokens.access_token],
  });
  if (r.json) {
    state.introspection = r.json;
    await renderTokens();
  }
}

/** With the DPoP scheme and a proof when the token is bound (RFC 9449 §7.1), else Bearer. */
export async function callApi() {
  const key = state.tokenKey;
  await apiStep({
    title: 'Call the orders API',
    rfc: key ? RFC.apiDpop : RFC.api,
    token: state.tokens.access_token,
    key,
  });
}

/** RFC 9449 §7.2: the bound token without its proof, as a thief holding only the token would. */
export async function callApiAsBearer() {
  await apiStep({
    title: 'Call the orders API without the proof',
    rfc: RFC.apiBoundAsBearer,
    token: state.tokens.access_token,
  });
}

async function clientCredentials(client, events) {
  const r = await tokenStep({
    title: `Client credentials (as ${client.id})`,
    rfc: RFC.clientCredentials,
    client,
    fields: { grant_type: 'client_credentials', resource: state.config.resource },
  });
  if (r.res.ok) await keep(r.json, client, events);
}

export async function ownClientCredentials(events) {
  await clientCredentials(await ownClient(state.config.issuer), events);
}

/**
 * The playground's private_key_jwt client: a key pair made here (the private key cannot be
 * exported), its public half published to this page's session once, then an assertion per request.
 */
export async function keyClientCredentials(events) {
  const registered = state.config.key_clients[0];
  const key = await pageKey(events);
  if (key)
    await clientCredentials(keyClient(registered.client_id, key, state.config.issuer), events);
}
