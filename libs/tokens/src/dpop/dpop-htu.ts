/** Longer `htu` values are refused unparsed: no endpoint URL of ours comes near it. */
const MAX_HTU_LENGTH = 2048;
/** RFC 3986 §2.3 unreserved characters: their percent-encoded form is the same URI (§6.2.2.2). */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * The form in which a DPoP proof's `htu` and the request URL are compared (RFC 9449 §4.3 step 9):
 * without query and fragment (§4.2), after RFC 3986 §6.2.2 and §6.2.3 normalisation. The WHATWG
 * parser lowercases scheme and host, drops the scheme's default port, resolves dot segments and
 * gives an empty path as `/`; percent-encodings are then made uppercase, and those of unreserved
 * characters decoded. Undefined for what is no http(s) URL, or one naming a user: no request URL
 * of ours has either.
 */
export function comparableHtu(value: string): string | undefined {
  if (value.length > MAX_HTU_LENGTH) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return `${url.protocol}//${url.host}${normalisedPercentEncoding(url.pathname)}`;
}

function normalisedPercentEncoding(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}
