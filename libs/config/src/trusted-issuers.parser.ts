import { ConfigError } from './config.error';
import { absoluteUrl, array, Json, object, oneOf, unique } from './json-fields';
import { isLoopbackHost } from './loopback-host';

/**
 * The JWS algorithms an external issuer's tokens may be signed with: asymmetric only (RFC 8725
 * §3.1: an allow-list; a shared secret, `HS*`, never proves who signed, and `none` proves
 * nothing). The issuer's own `jwks` decides which of them a key may verify.
 */
export const TRUSTED_ISSUER_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type TrustedIssuerAlg = (typeof TRUSTED_ISSUER_ALGS)[number];

/** What an issuer allows when `allowed_algs` is absent: what every platform we know signs with. */
export const DEFAULT_TRUSTED_ISSUER_ALGS: readonly TrustedIssuerAlg[] = [
  'RS256',
  'PS256',
  'ES256',
  'ES384',
  'EdDSA',
];

/**
 * RFC 7523 §3 lets the server bound an assertion's lifetime: how far ahead (`exp` − now) a
 * private_key_jwt assertion may expire, and an external issuer's token unless the issuer's
 * `max_token_lifetime_seconds` says otherwise.
 */
export const ASSERTION_MAX_LIFETIME_SECONDS = 300;
const MAX_TOKEN_LIFETIME_CAP = 86_400;

/**
 * An external identity provider whose tokens this server accepts as federated credentials
 * (RFC 7523 §2.2) and JWT-bearer grants (§2.1): `trusted_issuers` at the top of CONFIG_FILE.
 */
export interface TrustedIssuerConfig {
  /** RFC 8414 §2 / OIDC Discovery §3 `issuer`, compared as an exact string with a token's `iss`. */
  readonly issuer: string;
  /** Where its keys are; absent: the `jwks_uri` of its `/.well-known/openid-configuration`. */
  readonly jwksUri?: string;
  readonly allowedAlgs: readonly TrustedIssuerAlg[];
  /** Seconds a token of this issuer may still have to live when presented. */
  readonly maxTokenLifetime: number;
}

export interface TrustedIssuerOptions {
  /** Development only: an issuer (and its keys) may be `http` on a loopback host. */
  readonly allowLoopbackHttp?: boolean;
}

const FIELDS = new Set(['issuer', 'jwks_uri', 'allowed_algs', 'max_token_lifetime_seconds']);

/** `trusted_issuers`: absent means none (no federated credential, no JWT-bearer grant). */
export function parseTrustedIssuers(
  v: unknown,
  options: TrustedIssuerOptions = {},
): TrustedIssuerConfig[] {
  const issuers = array(v ?? [], 'trusted_issuers').map((raw, i) =>
    parseTrustedIssuer(object(raw, `trusted_issuers[${i}]`), `trusted_issuers[${i}]`, options),
  );
  unique(
    issuers.map((t) => t.issuer),
    'trusted_issuers',
    'issuer',
  );
  return issuers;
}

function parseTrustedIssuer(t: Json, path: string, options: TrustedIssuerOptions) {
  // A misspelt optional field would silently widen what is trusted: refuse what is not ours.
  const stray = Object.keys(t).find((k) => !FIELDS.has(k));
  if (stray !== undefined) throw new ConfigError(`${path}.${stray}`, 'is not a known field');
  const issuer = secureUrl(t.issuer, `${path}.issuer`, options);
  // OIDC Discovery §3: the issuer has no query or fragment; its discovery URL is built from it.
  const url = new URL(issuer);
  if (url.search !== '' || url.hash !== '')
    throw new ConfigError(`${path}.issuer`, 'must have no query or fragment');
  const jwksUri =
    t.jwks_uri === undefined ? undefined : secureUrl(t.jwks_uri, `${path}.jwks_uri`, options);
  return {
    issuer,
    ...(jwksUri === undefined ? {} : { jwksUri }),
    allowedAlgs: allowedAlgs(t.allowed_algs, `${path}.allowed_algs`),
    maxTokenLifetime: lifetime(t.max_token_lifetime_seconds, `${path}.max_token_lifetime_seconds`),
  };
}

function allowedAlgs(v: unknown, path: string): TrustedIssuerAlg[] {
  if (v === undefined) return [...DEFAULT_TRUSTED_ISSUER_ALGS];
  const algs = array(v, path).map((a, i) => {
    if (typeof a === 'string' && (a === 'none' || /^HS\d+$/.test(a)))
      throw new ConfigError(
        `${path}[${i}]`,
        'must be an asymmetric algorithm: "none" and HMAC prove nothing about who signed',
      );
    return oneOf<TrustedIssuerAlg>(a, TRUSTED_ISSUER_ALGS, `${path}[${i}]`);
  });
  if (algs.length === 0) throw new ConfigError(path, 'must name at least one algorithm');
  unique(algs, path, 'algorithm');
  return algs;
}

function lifetime(v: unknown, path: string): number {
  if (v === undefined) return ASSERTION_MAX_LIFETIME_SECONDS;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_TOKEN_LIFETIME_CAP)
    throw new ConfigError(path, `must be an integer from 1 to ${MAX_TOKEN_LIFETIME_CAP} seconds`);
  return v;
}

/** Keys that authenticate come over TLS; plain http only to this machine, in development. */
function secureUrl(v: unknown, path: string, options: TrustedIssuerOptions): string {
  const s = absoluteUrl(v, path);
  const url = new URL(s);
  if (url.protocol === 'https:') return s;
  const loopback = options.allowLoopbackHttp === true;
  if (loopback && url.protocol === 'http:' && isLoopbackHost(url.hostname)) return s;
  throw new ConfigError(
    path,
    loopback ? 'must be an https URL (or http on a loopback host)' : 'must be an https URL',
  );
}
