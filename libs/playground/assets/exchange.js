// RFC 8693 token exchange: the page's access token traded, by the playground's exchanging client,
// for a token for another API with a narrower scope, the acting party named in `act`.
import { keyClient } from './clients.js';
import { pageKey } from './page-key.js';
import { RFC } from './rfc.js';
import { state } from './state.js';
import { tokenStep } from './steps.js';
import { enable, renderTokens } from './view.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 8693 §3: this server's access tokens, JWT or opaque. */
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * The current access token as `subject_token`, exchanged for the first audience the client's
 * policy allows, asking only for the client's first scope there. With delegation allowed, the
 * client first gets a token of its own (client credentials) and presents it as `actor_token`:
 * the actor is proven by a token, never implied by who calls (README "Token exchange").
 */
export const exchange = (events) =>
  exchangeToken(events, state.tokens.access_token, 'Token exchange');

/**
 * The exchanged token exchanged again by the client it was issued to: a chain, the earlier actor
 * nested in `act` (RFC 8693 §4.1); revoking the first subject token revokes every link.
 */
export const exchangeAgain = (events) =>
  exchangeToken(
    events,
    state.exchange.tokens.access_token,
    'Token exchange of the exchanged token',
  );

async function exchangeToken(events, subject, title) {
  const registered = state.config.exchange_clients[0];
  const key = await pageKey(events);
  if (!key) return;
  const client = keyClient(registered.client_id, key, state.config.issuer);
  const audience = registered.audiences[0];
  const actor = registered.delegation ? await actorToken(client, audience, events) : undefined;
  if (registered.delegation && !actor) return;
  const r = await tokenStep({
    title: `${title} (as ${client.id})`,
    rfc: actor ? [RFC.exchange, RFC.exchangeAct] : [RFC.exchange, RFC.impersonation],
    client,
    fields: {
      grant_type: TOKEN_EXCHANGE,
      subject_token: subject,
      subject_token_type: ACCESS_TOKEN,
      ...(actor ? { actor_token: actor, actor_token_type: ACCESS_TOKEN } : {}),
      resource: audience,
      scope: registered.scope.split(' ')[0],
    },
    secrets: [subject, actor],
  });
  if (!r.res.ok) return;
  state.exchange = { tokens: r.json, client, introspection: undefined };
  await renderTokens();
  enable();
  await events.register(r.json.access_token);
}

/** RFC 6749 §4.4: the exchanging client's own token, to stand as the actor (RFC 8693 §2.1). */
async function actorToken(client, audience, events) {
  const r = await tokenStep({
    title: `Actor token (client credentials as ${client.id})`,
    rfc: RFC.actorToken,
    client,
    fields: { grant_type: 'client_credentials', resource: audience },
  });
  if (!r.res.ok) return undefined;
  await events.register(r.json.access_token);
  return r.json.access_token;
}

/** Asked by the client it was issued to (RFC 7662 §2.1): active, or not once its subject is revoked. */
export async function introspectExchanged() {
  const x = state.exchange;
  const token = x.tokens.access_token;
  const r = await tokenStep({
    title: `Introspect the exchanged token (as ${x.client.id})`,
    rfc: RFC.introspectExchanged,
    url: state.config.endpoints.introspection,
    client: x.client,
    fields: { token, token_type_hint: 'access_token' },
    secrets: [token],
  });
  if (r.json && state.exchange === x) {
    x.introspection = r.json;
    await renderTokens();
  }
}
