import { el, $ } from './dom.js';
import { MissingInput } from './clients.js';
import { EventsPane } from './events-pane.js';
import { exchange, exchangeAgain, introspectExchanged } from './exchange.js';
import * as flows from './flows.js';
import { setReveal } from './http-step.js';
import { state } from './state.js';

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
  showPublicClient();
  showKeyClient();
  showExchangeClient();
  $('reveal').addEventListener('change', (e) => setReveal(e.target.checked));
  const actions = {
    'flow-code': flows.signIn,
    'flow-refresh': flows.refresh,
    'flow-replay': flows.replay,
    'flow-introspect': flows.introspect,
    'flow-revoke': flows.revokeRefresh,
    'flow-revoke-access': flows.revokeAccess,
    'flow-api': flows.callApi,
    'flow-api-bearer': flows.callApiAsBearer,
    'flow-client-credentials': flows.ownClientCredentials,
    'flow-client-key': flows.keyClientCredentials,
    'flow-exchange': exchange,
    'flow-exchange-again': exchangeAgain,
    'flow-introspect-exchanged': introspectExchanged,
  };
  for (const [id, run] of Object.entries(actions))
    $(id).addEventListener('click', () => run(events).catch((e) => failed(id, e)));
  await events.open();
}

function failed(id, e) {
  note(`${$(id).textContent}: ${e.message}`);
  if (e instanceof MissingInput) $(e.field).focus();
}

function note(text) {
  $('step-list').append(el('li', { class: 'step status-bad', role: 'alert', text }));
}

/** The redirect URI is this page: a public client registered for this origin's /playground. */
function showPublicClient() {
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
}

/** RFC 7523: the private_key_jwt client whose jwks_uri lists the keys playground pages made. */
function showKeyClient() {
  const client = state.config.key_clients[0];
  $('key-client').replaceChildren(
    client
      ? el(
          'span',
          {},
          'Client credentials with a key made here uses ',
          el('code', { text: client.client_id }),
          ' (private_key_jwt; its jwks_uri lists the public keys of open playground pages).',
        )
      : el('span', {
          class: 'status-bad',
          text: 'No private_key_jwt client has this playground as its jwks_uri: "key made here" is unavailable (README "Playground").',
        }),
  );
  $('flow-client-key').disabled = !client;
}

/** RFC 8693: the key client with a token_exchange policy, and what that policy allows. */
function showExchangeClient() {
  const client = state.config.exchange_clients[0];
  const kinds = client && [
    ...(client.delegation ? ['delegation (with an actor token)'] : []),
    ...(client.impersonation ? ['impersonation'] : []),
  ];
  $('exchange-client').replaceChildren(
    client
      ? el(
          'span',
          {},
          'Token exchange uses ',
          el('code', { text: client.client_id }),
          ` (private_key_jwt with the key made here) into ${client.audiences.join(', ')}, by ${kinds.join(' or ')}.`,
        )
      : el('span', {
          class: 'status-bad',
          text: 'No private_key_jwt client of this playground has a token_exchange policy: token exchange is unavailable (README "Playground").',
        }),
  );
}

start().catch((e) => note(`The playground could not start: ${e.message}`));
