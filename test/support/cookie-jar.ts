/**
 * A browser's cookie store, as far as the sign-in flow needs one (RFC 6265 §5.3–§5.4): cookies
 * are per host, not per port (so replicas on 127.0.0.1 share them, as behind one load balancer),
 * host-only unless a Domain attribute widens them, sent only on matching paths, `Secure` ones
 * only over https, and expired by Max-Age or Expires. HttpOnly is recorded: a script could not
 * read such a cookie, an HTTP client sends it like any other.
 */
export interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly host: string;
  /** Set with a Domain attribute: sent to subdomains too. */
  readonly domainMatch: boolean;
  readonly path: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite?: string;
  /** ms since the epoch; undefined for a session cookie. */
  readonly expiresAt?: number;
}

export class CookieJar {
  private cookies: StoredCookie[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Stores every Set-Cookie header of a response to `url`. */
  storeFrom(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) this.store(url, line);
  }

  store(url: URL, setCookie: string): void {
    const cookie = parseSetCookie(url, setCookie, this.now());
    if (!cookie) return;
    this.cookies = this.cookies.filter(
      (c) => !(c.name === cookie.name && c.host === cookie.host && c.path === cookie.path),
    );
    if (cookie.expiresAt === undefined || cookie.expiresAt > this.now()) this.cookies.push(cookie);
  }

  /** The Cookie header a browser sends to `url`, or undefined when there is none. */
  headerFor(url: URL): string | undefined {
    const pairs = this.matching(url).map((c) => `${c.name}=${c.value}`);
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }

  /** The live cookies a request to `url` would carry. */
  matching(url: URL): StoredCookie[] {
    const now = this.now();
    return this.cookies
      .filter((c) => c.expiresAt === undefined || c.expiresAt > now)
      .filter((c) => hostMatches(c, url.hostname))
      .filter((c) => pathMatches(c.path, url.pathname))
      .filter((c) => !c.secure || url.protocol === 'https:')
      .sort((a, b) => b.path.length - a.path.length);
  }

  /** Every live cookie, whatever its host. */
  all(): StoredCookie[] {
    const now = this.now();
    return this.cookies.filter((c) => c.expiresAt === undefined || c.expiresAt > now);
  }
}

function parseSetCookie(url: URL, line: string, now: number): StoredCookie | undefined {
  const [pair = '', ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  let domain: string | undefined;
  let path: string | undefined;
  let expiresAt: number | undefined;
  let maxAgeSeen = false;
  let secure = false;
  let httpOnly = false;
  let sameSite: string | undefined;
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (key === 'domain' && value) domain = value.replace(/^\./, '').toLowerCase();
    else if (key === 'path' && value.startsWith('/')) path = value;
    else if (key === 'max-age' && /^-?\d+$/.test(value)) {
      maxAgeSeen = true;
      expiresAt = now + Number(value) * 1000;
    } else if (key === 'expires' && !maxAgeSeen && !Number.isNaN(Date.parse(value)))
      expiresAt = Date.parse(value);
    else if (key === 'secure') secure = true;
    else if (key === 'httponly') httpOnly = true;
    else if (key === 'samesite') sameSite = value;
  }
  // RFC 6265 §5.3 step 6: a Domain that does not cover the request's host is ignored whole.
  if (domain && !domainCovers(domain, url.hostname)) return undefined;
  // RFC 6265 §4.1.2.5 / §5.3: a Secure cookie set over http is not stored by browsers.
  if (secure && url.protocol !== 'https:') return undefined;
  return {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    host: domain ?? url.hostname,
    domainMatch: domain !== undefined,
    path: path ?? defaultPath(url.pathname),
    secure,
    httpOnly,
    sameSite,
    expiresAt,
  };
}

/** RFC 6265 §5.1.4: the directory of the request path. */
function defaultPath(pathname: string): string {
  const slash = pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : pathname.slice(0, slash);
}

function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (cookiePath === requestPath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function domainCovers(domain: string, host: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function hostMatches(cookie: StoredCookie, host: string): boolean {
  return cookie.domainMatch ? domainCovers(cookie.host, host) : cookie.host === host;
}
