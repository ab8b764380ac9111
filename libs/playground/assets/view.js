// What the page shows of its state: the tokens decoded, and which flows can run now.
import { $ } from './dom.js';
import { local, state } from './state.js';
import { tokenView } from './token-view.js';

export function enable() {
  const t = state.tokens;
  $('flow-refresh').disabled = !t.refresh_token;
  $('flow-replay').disabled = !state.oldRefresh;
  $('flow-revoke').disabled = !t.refresh_token;
  $('flow-revoke-access').disabled = !t.access_token;
  $('flow-introspect').disabled = !t.access_token;
  $('flow-api').disabled = !t.access_token;
  // RFC 9449 §7.2: only a bound token has something to show by going without its proof.
  $('flow-api-bearer').disabled = !(t.access_token && state.tokenKey);
  $('flow-exchange').disabled = !(t.access_token && state.config.exchange_clients[0]);
  $('flow-exchange-again').disabled = !state.exchange;
  $('flow-introspect-exchanged').disabled = !state.exchange;
}

export async function renderTokens() {
  const jwks = local(state.config.endpoints.jwks);
  const t = state.tokens;
  const views = await Promise.all(
    [
      ['access token', t.access_token],
      ['refresh token', t.refresh_token],
      ['ID token', t.id_token],
    ]
      .filter(([, v]) => v)
      .map(([kind, v]) =>
        tokenView(kind, v, jwks, {
          introspection: kind === 'access token' ? state.introspection : undefined,
          dpopJkt: state.dpop?.thumbprint,
        }),
      ),
  );
  const x = state.exchange;
  if (x)
    views.push(
      await tokenView('exchanged token', x.tokens.access_token, jwks, {
        introspection: x.introspection,
        dpopJkt: state.dpop?.thumbprint,
        issuedType: x.tokens.issued_token_type,
      }),
    );
  // One replacement once every signature is checked: the pane changes once, not line by line.
  $('token-list').replaceChildren(...views);
}

/** The tokens of a successful answer, obtained by `client`; `oldRefresh` is the one rotated out. */
export async function keep(json, client, events, oldRefresh) {
  state.tokens = json;
  state.client = client;
  state.oldRefresh = oldRefresh;
  state.introspection = undefined;
  // An exchanged token belongs with the token it was exchanged from: a new one starts afresh.
  state.exchange = undefined;
  // RFC 9449 §5: token_type DPoP means bound to the key that signed this request's proof.
  state.tokenKey = json.token_type === 'DPoP' ? state.dpop : undefined;
  await renderTokens();
  enable();
  if (json.access_token) await events.register(json.access_token);
}
