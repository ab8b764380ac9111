import { ConfigError } from './config.error';
import { array, nonEmptyString, unique } from './json-fields';
import { isLoopbackIpLiteral } from './loopback-host';

/** RFC 8252 §7.1: a private-use scheme is a reverse domain name, e.g. `com.example.app`. */
const REVERSE_DOMAIN_SCHEME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;
const SPACE_OR_CONTROL = /[\s\p{Cc}]/u;

/**
 * A list of registered redirection URIs (`redirect_uris`, `post_logout_redirect_uris`), each
 * checked by {@link redirectUri}; a URI listed twice is a mistake.
 */
export function redirectUriList(v: unknown, path: string): string[] {
  const uris = array(v, path).map((u, i) => redirectUri(u, `${path}[${i}]`));
  unique(uris, path, 'redirect URI');
  return uris;
}

/**
 * One URI the browser may be sent to with a code or after logout. The authorization service
 * compares them as exact strings (RFC 9700 §4.1.3), so what is registered is kept as written.
 */
export function redirectUri(v: unknown, path: string): string {
  const s = nonEmptyString(v, path);
  if (SPACE_OR_CONTROL.test(s))
    throw new ConfigError(path, 'must not contain spaces or control characters');
  // RFC 9700 §4.1.3: patterns let an attacker pick a URI the client never meant; none here.
  if (s.includes('*'))
    throw new ConfigError(path, 'wildcards are not allowed: URIs are matched exactly (RFC 9700)');
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
  if (s.includes('#')) throw new ConfigError(path, 'must not have a fragment (RFC 6749 §3.1.2)');
  if (!URL.canParse(s)) throw new ConfigError(path, 'must be an absolute URI');
  const url = new URL(s);
  if (url.username || url.password)
    throw new ConfigError(path, 'must not carry user information (user:password@)');
  checkScheme(url, path);
  return s;
}

/**
 * RFC 9700 §2.1 and RFC 6749 §3.1.2.1: codes travel over TLS; RFC 8252 §7: a native app may
 * instead receive them on a loopback IP literal over http (§7.3: the request never leaves the
 * device) or on a private-use scheme named after a domain it owns (§7.1).
 */
function checkScheme(url: URL, path: string): void {
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:') {
    if (isLoopbackIpLiteral(url.hostname)) return;
    // RFC 8252 §8.3: `localhost` is NOT RECOMMENDED; its IP literal works the same, and safer.
    if (url.hostname === 'localhost')
      throw new ConfigError(
        path,
        'use http://127.0.0.1 or http://[::1] rather than localhost, which may resolve to ' +
          'another interface (RFC 8252 §8.3)',
      );
    throw new ConfigError(
      path,
      'must be https; http only on a loopback IP literal (RFC 8252 §7.3)',
    );
  }
  if (REVERSE_DOMAIN_SCHEME.test(url.protocol.slice(0, -1))) return;
  throw new ConfigError(
    path,
    'must be https, http on a loopback IP literal (RFC 8252 §7.3) or a private-use scheme ' +
      'named by a reverse domain name, such as com.example.app:/callback (RFC 8252 §7.1)',
  );
}
