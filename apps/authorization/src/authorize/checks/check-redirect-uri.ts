import { ClientConfig } from '@app/config';
import { FormParams, InvalidRequest } from '@app/oauth';
import { bounded } from './parameter';

/** An http loopback IP literal URI, split around its optional port (RFC 8252 §7.3). */
const LOOPBACK = /^http:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::(\d{1,5}))?([/?][^]*)?$/;

/**
 * RFC 9700 §4.1.3 and RFC 6749 §3.1.2.2: the redirect URI must be one the client registered,
 * compared as exact strings (no prefix, no pattern, no normalisation that `..`, `@` or a case
 * change could exploit). OIDC Core §3.1.2.1 makes it required. The one exception is RFC 8252
 * §7.3: a native app's loopback IP literal may come with any port, the rest unchanged. A
 * failure is never redirected to (RFC 6749 §4.1.2.1).
 */
export function checkRedirectUri(client: ClientConfig, params: FormParams): string {
  const requested = bounded(params, 'redirect_uri');
  if (requested === undefined) throw new InvalidRequest('the redirect_uri parameter is required');
  if (client.redirectUris.some((registered) => redirectUriMatches(registered, requested)))
    return requested;
  throw new InvalidRequest('the redirect_uri is not registered for this client');
}

export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const r = LOOPBACK.exec(registered);
  const q = LOOPBACK.exec(requested);
  if (!r || !q) return false;
  const port = q[2] === undefined ? 80 : Number(q[2]);
  return r[1] === q[1] && (r[3] ?? '') === (q[3] ?? '') && port >= 1 && port <= 65_535;
}
