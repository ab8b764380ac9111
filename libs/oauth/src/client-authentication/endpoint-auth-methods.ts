import { AppConfig, AUTH_METHODS, ClientAuthMethod, RateLimitedEndpoint } from '@app/config';

/** The methods that present credentials: everything but `none`. */
export const CREDENTIAL_AUTH_METHODS: readonly ClientAuthMethod[] = AUTH_METHODS.filter(
  (m) => m !== 'none',
);

/**
 * Which client authentication methods each endpoint accepts; the metadata advertises exactly
 * these (RFC 8414 §2 `*_endpoint_auth_methods_supported`).
 */
export const ENDPOINT_AUTH_METHODS = {
  /**
   * RFC 6749 §2.1 and §3.2.1: a public client names itself with `client_id`. What it may do is
   * each grant's decision: never client_credentials (§4.4: confidential clients only).
   */
  token: AUTH_METHODS,
  /** RFC 7009 §2.1: a public client revokes its own tokens with its `client_id` alone. */
  revocation: AUTH_METHODS,
  /**
   * RFC 7662 §2.1 requires the caller to be authorized, and a `client_id` proves nothing:
   * introspection is for confidential clients and resource servers. A public client's bare
   * `client_id` is answered like no authentication at all (401 invalid_client).
   */
  introspection: CREDENTIAL_AUTH_METHODS,
} as const satisfies Record<string, readonly ClientAuthMethod[]>;

/**
 * Whether a client certificate can reach the services at all: they terminate TLS themselves
 * (TLS_CERT_FILE) or trust a proxy's `Client-Cert` header (CLIENT_CERT_TRUSTED_PROXIES).
 * Without either, no certificate method can succeed.
 */
export const certificatesReach = (config: AppConfig): boolean =>
  config.mtls.serverTls !== undefined || config.mtls.trustedProxies.length > 0;

/**
 * An endpoint's methods as far as they can succeed here: the certificate methods only when a
 * certificate can arrive, and `tls_client_auth` only with a CA to chain to (TLS_CLIENT_CA_FILE).
 * What the metadata advertises, what the endpoint accepts and what its 401 challenge names.
 */
export function offeredAuthMethods(
  methods: readonly ClientAuthMethod[],
  config: AppConfig,
): ClientAuthMethod[] {
  const reach = certificatesReach(config);
  return methods.filter((m) => {
    if (m === 'tls_client_auth') return reach && config.mtls.clientCa.length > 0;
    if (m === 'self_signed_tls_client_auth') return reach;
    return true;
  });
}

/** What ClientAuthenticator needs to know of the endpoint it authenticates for. */
export interface ClientAuthEndpoint {
  /** The values a client assertion's `aud` may hold (the issuer and the endpoint's URL). */
  readonly audiences: readonly string[];
  readonly methods: readonly ClientAuthMethod[];
  /** The endpoint whose per-client allowance an authenticated request spends (RATE_LIMIT_*). */
  readonly rateLimited?: RateLimitedEndpoint;
}
