import { loadResourceServerEnv } from './resource-server.config';

const base = { REDIS_URL: 'redis://127.0.0.1:6379', ISSUER: 'https://auth.example.com/' };

describe('loadResourceServerEnv', () => {
  it('derives the key set and introspection URLs from the issuer', () => {
    const sut = loadResourceServerEnv({
      ...base,
      RESOURCE_CLIENT_ID: 'orders-api',
      RESOURCE_CLIENT_SECRET: 'a-long-enough-secret',
    });
    expect(sut.issuer).toBe('https://auth.example.com');
    expect(sut.jwksUri).toBe('https://auth.example.com/oauth2/jwks');
    expect(sut.introspection?.endpoint).toBe('https://auth.example.com/oauth2/introspect');
    expect(sut).toMatchObject({
      port: 4000,
      failurePolicy: 'fail-closed',
      stalenessBudgetMs: 2000,
    });
  });

  it('reads the proxies whose Client-Cert header it trusts (RFC 8705 §3, RFC 9440)', () => {
    expect(loadResourceServerEnv(base).clientCertTrustedProxies).toEqual([]);
    expect(
      loadResourceServerEnv({ ...base, CLIENT_CERT_TRUSTED_PROXIES: '10.0.0.0/8' })
        .clientCertTrustedProxies,
    ).toEqual(['10.0.0.0/8']);
    expect(() =>
      loadResourceServerEnv({ ...base, CLIENT_CERT_TRUSTED_PROXIES: 'edge-proxy' }),
    ).toThrow(/CLIENT_CERT_TRUSTED_PROXIES/);
  });

  it("bounds the API server's connections like the services'", () => {
    expect(loadResourceServerEnv(base).http.requestTimeoutMs).toBe(30_000);
    expect(loadResourceServerEnv({ ...base, MAX_CONNECTIONS: '64' }).http.maxConnections).toBe(64);
  });

  it('holds answers to the end of their turn by default, Kafka in its environment or not', () => {
    const coalesce = (env: Record<string, string>) =>
      loadResourceServerEnv({ ...base, ...env }).http.coalesceWrites;
    expect(coalesce({})).toBe(true);
    expect(coalesce({ KAFKA_BROKERS: 'localhost:9092' })).toBe(true);
    expect(coalesce({ KAFKA_BROKERS: 'localhost:9092', HTTP_COALESCE_WRITES: 'false' })).toBe(
      false,
    );
  });

  it("reads the API's own DPoP settings, refusing a production API without its nonce key", () => {
    const sut = loadResourceServerEnv({ ...base, DPOP_PROOF_MAX_AGE_SECONDS: '30' });
    expect(sut.dpop).toEqual({ proofMaxAgeSeconds: 30, clockSkewSeconds: 5, nonce: undefined });
    const production = {
      ...base,
      NODE_ENV: 'production',
      RESOURCE_AUDIENCE: 'https://orders.example.com',
      DPOP_NONCE_REQUIRED: 'true',
    };
    expect(() => loadResourceServerEnv(production)).toThrow(
      'Invalid configuration: DPOP_NONCE_SECRET:',
    );
  });

  it("takes the API's public base URL for DPoP htu checks, the audience by default", () => {
    expect(loadResourceServerEnv(base).publicUrl).toBe('https://orders.example.com');
    const sut = loadResourceServerEnv({
      ...base,
      RESOURCE_PUBLIC_URL: 'https://api.example.com/orders-api/',
    });
    expect(sut.publicUrl).toBe('https://api.example.com/orders-api');
  });

  it.each([
    [{ RESOURCE_PUBLIC_URL: 'api.example.com' }, 'RESOURCE_PUBLIC_URL'],
    [{ RESOURCE_PUBLIC_URL: 'https://api.example.com/?x=1' }, 'RESOURCE_PUBLIC_URL'],
    [{ REDIS_URL: '' }, 'REDIS_URL'],
    [{ ISSUER: 'auth.example.com' }, 'ISSUER'],
    [{ JWKS_URI: 'ftp://x/jwks' }, 'JWKS_URI'],
    [{ REVOCATION_FAILURE_POLICY: 'fail-sometimes' }, 'REVOCATION_FAILURE_POLICY'],
    [{ REVOCATION_STALENESS_BUDGET_MS: '10' }, 'REVOCATION_STALENESS_BUDGET_MS'],
    [{ RESOURCE_CLIENT_ID: 'orders-api' }, 'RESOURCE_CLIENT_ID'],
    [{ REQUEST_TIMEOUT_MS: '50' }, 'REQUEST_TIMEOUT_MS'],
    [{ REDIS_CLUSTER_NODES: '10.0.0.1:7000' }, 'REDIS_CLUSTER_NODES'],
    [{ REDIS_URL: '', REDIS_CLUSTER_NODES: '10.0.0.1' }, 'REDIS_CLUSTER_NODES'],
  ])('stops on a bad value and names it %#', (env, name) => {
    expect(() => loadResourceServerEnv({ ...base, ...env })).toThrow(
      `Invalid configuration: ${name}:`,
    );
  });

  it('follows the revocation stream on a Redis Cluster given instead of REDIS_URL', () => {
    const sut = loadResourceServerEnv({
      ...base,
      REDIS_URL: undefined,
      REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000',
    });
    expect(sut.redisUrl).toBeUndefined();
    expect(sut.redisCluster?.nodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7000 },
    ]);
  });

  it("reads the API's /metrics settings, and refuses a client list it could not use", () => {
    const token = 'api-metrics-token-0123456789abcdef-0123';
    expect(loadResourceServerEnv({ ...base, METRICS_TOKEN: token }).metrics).toEqual({
      enabled: true,
      token,
    });
    expect(loadResourceServerEnv({ ...base, METRICS_ENABLED: 'false' }).metrics.enabled).toBe(
      false,
    );
    expect(() => loadResourceServerEnv({ ...base, METRICS_CLIENT_LABELS: 'svc-a' })).toThrow(
      /METRICS_CLIENT_LABELS/,
    );
  });

  describe('with NODE_ENV=production', () => {
    const production = {
      ...base,
      NODE_ENV: 'production',
      RESOURCE_AUDIENCE: 'https://orders.example.com',
      RESOURCE_CLIENT_ID: 'orders-api',
      RESOURCE_CLIENT_SECRET: 'a-long-enough-secret',
    };

    it('accepts an explicit issuer and audience over https, and its own plain secret', () => {
      expect(loadResourceServerEnv(production).introspection?.clientSecret).toBe(
        'a-long-enough-secret',
      );
    });

    it.each([
      [{ ISSUER: undefined }, 'ISSUER: is required when NODE_ENV=production'],
      [{ RESOURCE_AUDIENCE: undefined }, 'RESOURCE_AUDIENCE: is required when NODE_ENV=production'],
      [{ JWKS_URI: 'http://auth.example.com/jwks' }, 'JWKS_URI: must be an https URL'],
      [
        { INTROSPECTION_ENDPOINT: 'http://auth.example.com/introspect' },
        'INTROSPECTION_ENDPOINT: must be an https URL',
      ],
    ])('refuses a default or a clear-text URL %#', (over, message) => {
      expect(() => loadResourceServerEnv({ ...production, ...over })).toThrow(
        `Invalid configuration: ${message}`,
      );
    });
  });
});
