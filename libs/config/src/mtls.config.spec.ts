import {
  FIXTURE_CA,
  OTHER_CA,
  PKI_CLIENT,
  SERVER_CERT,
  SERVER_KEY,
} from '../../../test/fixtures/mtls-certificates';
import { ConfigError } from './config.error';
import { ClientConfig, EndpointUrls, RegistryConfig } from './config.types';
import { loadMtlsConfig } from './mtls.config';

const FILES: Record<string, string> = {
  '/tls/server.pem': SERVER_CERT,
  '/tls/server-key.pem': SERVER_KEY,
  '/tls/ca.pem': FIXTURE_CA,
  '/tls/bundle.pem': `${FIXTURE_CA}\n${OTHER_CA}\n`,
  '/tls/leaf.pem': PKI_CLIENT,
  '/tls/junk.pem': 'not a pem',
};
const read = (file: string, variable: string) => {
  const text = FILES[file];
  if (text === undefined) throw new ConfigError(variable, `cannot read ${file} (ENOENT)`);
  return text;
};
const ENDPOINTS = {
  token: 'https://as.example/oauth2/token',
  introspection: 'https://as.example/oauth2/introspect',
  revocation: 'https://as.example/oauth2/revoke',
  par: 'https://as.example/oauth2/par',
  userinfo: 'https://as.example/oauth2/userinfo',
} as EndpointUrls;
const registry = (...clients: Partial<ClientConfig>[]) =>
  ({ clients, resources: [], users: [] }) as unknown as RegistryConfig;
const load = (env: Record<string, string>, reg = registry()) =>
  loadMtlsConfig(env, ENDPOINTS, reg, read);

describe('loadMtlsConfig', () => {
  it('is off by default: no TLS, no CA, no trusted proxy, no aliases', () => {
    expect(load({})).toEqual({
      serverTls: undefined,
      clientCa: [],
      trustedProxies: [],
      endpointAliases: undefined,
    });
  });

  it('reads the server certificate and key, and every CA of the CA file', () => {
    const sut = load({
      TLS_CERT_FILE: '/tls/server.pem',
      TLS_KEY_FILE: '/tls/server-key.pem',
      TLS_CLIENT_CA_FILE: '/tls/bundle.pem',
    });
    expect(sut.serverTls).toEqual({ cert: SERVER_CERT, key: SERVER_KEY });
    expect(sut.clientCa).toEqual([FIXTURE_CA, OTHER_CA]);
  });

  it.each([
    [
      { TLS_CERT_FILE: '/tls/server.pem' },
      /TLS_KEY_FILE: TLS_CERT_FILE and TLS_KEY_FILE go together/,
    ],
    [
      { TLS_CERT_FILE: '/tls/server.pem', TLS_KEY_FILE: '/tls/missing.pem' },
      /TLS_KEY_FILE: cannot read/,
    ],
    [
      { TLS_CERT_FILE: '/tls/junk.pem', TLS_KEY_FILE: '/tls/server-key.pem' },
      /TLS_CERT_FILE: .* holds no PEM certificate/,
    ],
    [
      { TLS_CERT_FILE: '/tls/server.pem', TLS_KEY_FILE: '/tls/junk.pem' },
      /TLS_KEY_FILE: .* holds no PEM private key/,
    ],
    [
      { TLS_CERT_FILE: '/tls/leaf.pem', TLS_KEY_FILE: '/tls/server-key.pem' },
      /TLS_KEY_FILE: .* is not the key of TLS_CERT_FILE/,
    ],
    [{ TLS_CLIENT_CA_FILE: '/tls/junk.pem' }, /TLS_CLIENT_CA_FILE: .* holds no PEM certificate/],
    [
      { TLS_CLIENT_CA_FILE: '/tls/leaf.pem' },
      /TLS_CLIENT_CA_FILE: certificate 1 of .* is not a CA/,
    ],
    [
      { CLIENT_CERT_TRUSTED_PROXIES: '10.0.0.0/8, proxy.internal' },
      /"proxy.internal" is not an IP address or a CIDR/,
    ],
    [{ CLIENT_CERT_TRUSTED_PROXIES: '10.0.0.0/33' }, /CLIENT_CERT_TRUSTED_PROXIES/],
    [
      { MTLS_ENDPOINT_BASE_URL: 'mtls.as.example' },
      /MTLS_ENDPOINT_BASE_URL: must be an absolute http\(s\) URL/,
    ],
  ])('refuses %j', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });

  it('never quotes a key file it cannot read as a key', () => {
    FILES['/tls/secret.pem'] = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n';
    try {
      load({ TLS_CERT_FILE: '/tls/server.pem', TLS_KEY_FILE: '/tls/secret.pem' });
      throw new Error('loaded');
    } catch (e) {
      expect((e as Error).message).not.toContain('c2VjcmV0');
    }
  });

  it('reads trusted proxies (addresses and CIDRs of both families)', () => {
    expect(
      load({ CLIENT_CERT_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7,2001:db8::/32' }).trustedProxies,
    ).toEqual(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32']);
  });

  it('advertises every certificate endpoint on MTLS_ENDPOINT_BASE_URL with its own path', () => {
    expect(load({ MTLS_ENDPOINT_BASE_URL: 'https://mtls.as.example/' }).endpointAliases).toEqual({
      token_endpoint: 'https://mtls.as.example/oauth2/token',
      introspection_endpoint: 'https://mtls.as.example/oauth2/introspect',
      revocation_endpoint: 'https://mtls.as.example/oauth2/revoke',
      pushed_authorization_request_endpoint: 'https://mtls.as.example/oauth2/par',
      userinfo_endpoint: 'https://mtls.as.example/oauth2/userinfo',
    });
  });

  describe('refuses clients that could never use their certificate', () => {
    const pki = { clientId: 'svc', authMethod: 'tls_client_auth' } as const;
    const tls = { TLS_CERT_FILE: '/tls/server.pem', TLS_KEY_FILE: '/tls/server-key.pem' };

    it('a tls_client_auth client without TLS_CLIENT_CA_FILE', () => {
      expect(() => load(tls, registry(pki))).toThrow(/tls_client_auth needs TLS_CLIENT_CA_FILE/);
    });

    it.each([
      ['a tls_client_auth client', { ...pki }],
      [
        'a self_signed_tls_client_auth client',
        { clientId: 'svc', authMethod: 'self_signed_tls_client_auth' },
      ],
      [
        'a client with bound tokens',
        {
          clientId: 'svc',
          authMethod: 'client_secret_basic',
          tlsClientCertificateBoundAccessTokens: true,
        },
      ],
    ] as const)('%s when no certificate can reach the services', (_, client) => {
      expect(() => load({ TLS_CLIENT_CA_FILE: '/tls/ca.pem' }, registry(client))).toThrow(
        /reaches the services only with TLS_CERT_FILE and TLS_KEY_FILE or CLIENT_CERT_TRUSTED_PROXIES/,
      );
      expect(() =>
        load({ ...tls, TLS_CLIENT_CA_FILE: '/tls/ca.pem' }, registry(client)),
      ).not.toThrow();
      expect(() =>
        load(
          { CLIENT_CERT_TRUSTED_PROXIES: '10.0.0.1', TLS_CLIENT_CA_FILE: '/tls/ca.pem' },
          registry(client),
        ),
      ).not.toThrow();
    });
  });
});
