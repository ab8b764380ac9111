/**
 * What never reaches a log line: the credentials of RFC 6749 (§2.3.1 client_secret, §4.1.3 code,
 * §6 refresh_token), RFC 7523's client_assertion and assertion (§2.1 grant), passwords, cookies and Authorization headers,
 * and any token, wherever it hides (an error message, a stack, a quoted body).
 */
export const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'set-cookie',
  'client_secret',
  'client_assertion',
  'assertion',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'subject_token',
  'password',
  'dpop',
  'logout_token',
  'login_challenge',
  'consent_challenge',
] as const;

export const REDACTED = '[Redacted]';

/**
 * pino's `redact` paths (fast-redact): the fields of a logged object, of its request, headers
 * and body, one level deep or under `req`. A key anywhere deeper is still masked line-wide by
 * maskSecrets below.
 */
export const REDACT_PATHS: string[] = SECRET_FIELDS.flatMap((f) => {
  const key = /^[a-z_]+$/.test(f) ? f : `["${f}"]`;
  const dot = key.startsWith('[') ? '' : '.';
  const inRequest = [`req.headers${dot}${key}`, `req.body${dot}${key}`, `body${dot}${key}`];
  // An error's `code` (ECONNRESET, ERR_…) is what an operator reads first: it is kept by field,
  // and the line-wide mask below tells it from an authorization code by its shape.
  if (f === 'code') return inRequest;
  return [key, `*${dot}${key}`, `headers${dot}${key}`, ...inRequest];
});

const FIELD = SECRET_FIELDS.map((f) => f.replace('-', '\\-')).join('|');
/** `"client_secret":"…"` in a serialized line, at any depth, quoted within a message too. */
const JSON_FIELD = new RegExp(
  `(\\\\?"(?:${FIELD})\\\\?"\\s*:\\s*)(\\\\?")((?:[^"\\\\]|\\\\.)*?)\\2`,
  'gi',
);
/** Node's and the drivers' error codes (ECONNRESET, ERR_HTTP2_…, NOAUTH): not secrets. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
/** `code=…` as in a form body or query string quoted in a message. */
const FORM_FIELD = new RegExp(`\\b((?:${FIELD})=)[^&\\s"'\\\\]+`, 'gi');
/** RFC 6750 §2.1, RFC 9449 §7.1, RFC 7617: the credential after an authorization scheme. */
const SCHEME_CREDENTIAL = /\b(Basic|Bearer|DPoP)\s+[A-Za-z0-9\-._~+/]+=*/g;
/** Our opaque tokens: `at_` / `rt_` and 32 random bytes in base64url (libs/tokens). */
const OPAQUE_TOKEN = /\b(?:at|rt)_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
/** A JWS or JWE compact serialization: its header is JSON, so base64url `{"` = `eyJ`. */
const COMPACT_JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_.-]*/g;
/**
 * 32 random bytes in base64url, the shape of codes, challenges, cookies and verifiers, but also
 * of public SHA-256 thumbprints (key ids): its first 6 characters are kept (36 of 256 bits), so
 * that a key id can still be recognised in a line while no secret can be rebuilt from it.
 */
const RANDOM_VALUE = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

/**
 * The last guard, applied to every serialized line before it is written: masks any secret field
 * and any token-shaped value, so that not even an exception message quoting a request can leak
 * one. Runs only when a line is written, never on a request that logs nothing.
 */
export function maskSecrets(line: string): string {
  return line
    .replace(JSON_FIELD, (match, name: string, quote: string, value: string) =>
      /^\\?"code\\?"/i.test(name) && ERROR_CODE.test(value)
        ? match
        : `${name}${quote}${REDACTED}${quote}`,
    )
    .replace(FORM_FIELD, `$1${REDACTED}`)
    .replace(SCHEME_CREDENTIAL, `$1 ${REDACTED}`)
    .replace(OPAQUE_TOKEN, REDACTED)
    .replace(COMPACT_JWT, REDACTED)
    .replace(RANDOM_VALUE, (v) => `${v.slice(0, 6)}…${REDACTED}`);
}
