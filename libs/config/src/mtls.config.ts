import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from './config.error';
import type { EndpointUrls, RegistryConfig } from './config.types';
import { httpUrl } from './env-values';
import { isAddressOrCidr } from './trust-proxy';

type Env = Readonly<Record<string, string | undefined>>;

/** RFC 8705 §5 `mtls_endpoint_aliases`: the endpoints where clients present certificates. */
export interface MtlsEndpointAliases {
  readonly token_endpoint: string;
  readonly introspection_endpoint: string;
  readonly revocation_endpoint: string;
  readonly pushed_authorization_request_endpoint: string;
  readonly userinfo_endpoint: string;
}

/** Mutual TLS (RFC 8705): where client certificates come from and what vouches for them. */
export interface MtlsConfig {
  /**
   * TLS_CERT_FILE and TLS_KEY_FILE (PEM): the services terminate TLS themselves and ask every
   * client for a certificate, without requiring one (the auth method checks it, not the
   * handshake).
   */
  readonly serverTls?: { readonly cert: string; readonly key: string };
  /** TLS_CLIENT_CA_FILE: the CA certificates (PEM, one each) `tls_client_auth` chains end at. */
  readonly clientCa: readonly string[];
  /**
   * CLIENT_CERT_TRUSTED_PROXIES: the TLS-terminating proxies (addresses, CIDRs) whose
   * `Client-Cert` header (RFC 9440) is the client's certificate. From any other peer the
   * header is ignored.
   */
  readonly trustedProxies: readonly string[];
  /** MTLS_ENDPOINT_BASE_URL: the same endpoints on a host that asks for certificates. */
  readonly endpointAliases?: MtlsEndpointAliases;
}

/**
 * Reads and checks the mTLS settings at start: files that do not hold what they should, a key
 * that is not the certificate's, or a registered client that could never present its
 * certificate stop the process with the variable's name.
 */
export function loadMtlsConfig(
  env: Env,
  endpoints: EndpointUrls,
  registry: RegistryConfig,
  read: PemReader = readPem,
): MtlsConfig {
  const config: MtlsConfig = {
    serverTls: serverTls(env, read),
    clientCa: clientCa(env.TLS_CLIENT_CA_FILE, read),
    trustedProxies: clientCertTrustedProxies(env.CLIENT_CERT_TRUSTED_PROXIES),
    endpointAliases: aliases(env.MTLS_ENDPOINT_BASE_URL, endpoints),
  };
  checkClients(config, registry);
  return config;
}

/** Reads a PEM file a variable names; a ConfigError names the variable when it cannot. */
export type PemReader = (file: string, variable: string) => string;

function serverTls(env: Env, readPem: PemReader): MtlsConfig['serverTls'] {
  const certFile = env.TLS_CERT_FILE || undefined;
  const keyFile = env.TLS_KEY_FILE || undefined;
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined)
    throw new ConfigError(
      certFile === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE',
      'TLS_CERT_FILE and TLS_KEY_FILE go together',
    );
  const cert = readPem(certFile, 'TLS_CERT_FILE');
  const key = readPem(keyFile, 'TLS_KEY_FILE');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch {
    throw new ConfigError('TLS_CERT_FILE', `${certFile} holds no PEM certificate`);
  }
  try {
    if (!leaf.checkPrivateKey(createPrivateKey(key)))
      throw new ConfigError('TLS_KEY_FILE', `${keyFile} is not the key of TLS_CERT_FILE`);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // The reason is not shown: a parser's message may quote the key.
    throw new ConfigError('TLS_KEY_FILE', `${keyFile} holds no PEM private key`);
  }
  return { cert, key };
}

function clientCa(file: string | undefined, readPem: PemReader): readonly string[] {
  if (!file) return [];
  const blocks = readPem(file, 'TLS_CLIENT_CA_FILE').match(
    /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
  );
  if (!blocks) throw new ConfigError('TLS_CLIENT_CA_FILE', `${file} holds no PEM certificate`);
  return blocks.map((pem, i) => {
    let ca: X509Certificate;
    try {
      ca = new X509Certificate(pem);
    } catch {
      throw new ConfigError('TLS_CLIENT_CA_FILE', `certificate ${i + 1} of ${file} is not valid`);
    }
    // RFC 5280 §4.2.1.9: only a CA certificate may vouch for other certificates.
    if (!ca.ca)
      throw new ConfigError('TLS_CLIENT_CA_FILE', `certificate ${i + 1} of ${file} is not a CA`);
    return pem;
  });
}

/** CLIENT_CERT_TRUSTED_PROXIES, for the services and for an API that embeds the library. */
export function clientCertTrustedProxies(v: string | undefined): readonly string[] {
  if (!v) return [];
  const entries = v.split(',').map((e) => e.trim());
  for (const entry of entries)
    if (!isAddressOrCidr(entry))
      throw new ConfigError(
        'CLIENT_CERT_TRUSTED_PROXIES',
        `"${entry}" is not an IP address or a CIDR range`,
      );
  return entries;
}

function aliases(v: string | undefined, endpoints: EndpointUrls): MtlsEndpointAliases | undefined {
  if (!v) return undefined;
  const base = httpUrl(v, 'MTLS_ENDPOINT_BASE_URL', v).replace(/\/+$/, '');
  if (new URL(base).search || new URL(base).hash)
    throw new ConfigError('MTLS_ENDPOINT_BASE_URL', 'must have no query or fragment');
  // The same paths as the advertised endpoints, on the host that asks for certificates.
  const on = (url: string) => `${base}${new URL(url).pathname}`;
  return {
    token_endpoint: on(endpoints.token),
    introspection_endpoint: on(endpoints.introspection),
    revocation_endpoint: on(endpoints.revocation),
    pushed_authorization_request_endpoint: on(endpoints.par),
    userinfo_endpoint: on(endpoints.userinfo),
  };
}

/** A client that needs a certificate must be able to present one, and be checkable. */
function checkClients(config: MtlsConfig, registry: RegistryConfig): void {
  const canReceive = config.serverTls !== undefined || config.trustedProxies.length > 0;
  for (const [i, client] of registry.clients.entries()) {
    const path = `clients[${i}]`;
    const certificateAuth = client.authMethod.endsWith('tls_client_auth');
    if (client.authMethod === 'tls_client_auth' && config.clientCa.length === 0)
      throw new ConfigError(
        `${path}.token_endpoint_auth_method`,
        'tls_client_auth needs TLS_CLIENT_CA_FILE (the CA its certificate must chain to)',
      );
    if ((certificateAuth || client.tlsClientCertificateBoundAccessTokens) && !canReceive)
      throw new ConfigError(
        path,
        'uses its TLS client certificate, which reaches the services only with ' +
          'TLS_CERT_FILE and TLS_KEY_FILE or CLIENT_CERT_TRUSTED_PROXIES',
      );
  }
}

function readPem(file: string, variable: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(variable, `cannot read ${file}${code ? ` (${code})` : ''}`);
  }
}
