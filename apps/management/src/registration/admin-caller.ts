const BASIC_CREDENTIALS = /^Basic +(\S+)\s*$/i;

/**
 * The client id of an admin API caller, read from the HTTP Basic credentials the admin guard
 * has already verified (RFC 6749 §2.3.1: form-urlencoded, then joined and base64-encoded).
 */
export function adminCallerId(authorization: string | undefined): string {
  const encoded = authorization?.match(BASIC_CREDENTIALS)?.[1] ?? '';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const id = decoded.slice(0, Math.max(decoded.indexOf(':'), 0));
  return decodeURIComponent(id.replace(/\+/g, ' '));
}
