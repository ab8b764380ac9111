// Everything the page knows lives in this object: memory only, gone on reload (no localStorage).
export const state = {
  config: undefined,
  /** The public client registered for this page's origin (sign-in), if any. */
  publicClient: undefined,
  /** The client that obtained the current tokens: revocation authenticates as it. */
  client: undefined,
  tokens: {},
  oldRefresh: undefined,
  introspection: undefined,
  /** This page's DPoP key, made on first use when DPoP is ticked. */
  dpop: undefined,
  /** The key the current tokens are bound to (token_type DPoP), if any. */
  tokenKey: undefined,
  dpopNonce: undefined,
  /** The last token exchange (RFC 8693): its answer, the client that made it, its introspection. */
  exchange: undefined,
  /** The key pair made for the playground's private_key_jwt client, and its published kid. */
  clientKey: undefined,
};

export const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
export const form = (fields) => new URLSearchParams(fields).toString();

/**
 * An endpoint of this server, reached on the page's own origin (its CSP allows no other): the
 * issuer may be named http://localhost:3000 while the page is http://127.0.0.1:3000. DPoP's
 * `htu` keeps the advertised URL, which is what the server compares it with.
 */
export function local(url) {
  const u = new URL(url);
  return u.origin === new URL(state.config.issuer).origin ? `${location.origin}${u.pathname}` : url;
}
