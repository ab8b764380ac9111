const NO_COOKIES: ReadonlyMap<string, string> = new Map();

/**
 * The cookies of a `Cookie` header (RFC 6265 §4.2.1: `name=value` pairs joined by `; `; Node
 * joins several Cookie header lines the same way). When a name appears twice the first wins:
 * RFC 6265 §5.4 lists cookies with longer paths first, so the first is the most specific. Values
 * are returned as sent, without the optional surrounding DQUOTEs and without percent-decoding
 * (RFC 6265 defines none; the cookies we set are base64url). Pairs without a name are skipped.
 */
export function parseCookieHeader(header: string | undefined): ReadonlyMap<string, string> {
  if (header === undefined || header === '') return NO_COOKIES;
  const cookies = new Map<string, string>();
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    if (name === '' || cookies.has(name)) continue;
    cookies.set(name, unquote(pair.slice(eq + 1).trim()));
  }
  return cookies;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}
