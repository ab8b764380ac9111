import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEV_CONFIG_FILE } from './deployment-mode';
import { loadConfig } from './env.loader';

const dir = mkdtempSync(join(tmpdir(), 'config-spec-'));
const configFile = join(dir, 'registry.json');
writeFileSync(configFile, JSON.stringify({ resources: [], clients: [] }));

describe('loadConfig', () => {
  it('runs the stores on a Redis Cluster given by REDIS_CLUSTER_NODES, on one Redis by REDIS_URL', () => {
    const cluster = loadConfig({ CONFIG_FILE: configFile, REDIS_CLUSTER_NODES: '10.0.0.1:7000' });
    expect(cluster.redisUrl).toBeUndefined();
    expect(cluster.redisCluster).toEqual({ nodes: [{ host: '10.0.0.1', port: 7000 }], tls: false });
    const single = loadConfig({ CONFIG_FILE: configFile, REDIS_URL: 'redis://10.0.0.1:6379' });
    expect(single).toMatchObject({ redisUrl: 'redis://10.0.0.1:6379' });
    expect(single.redisCluster).toBeUndefined();
    expect(() =>
      loadConfig({
        CONFIG_FILE: configFile,
        REDIS_URL: 'redis://10.0.0.1:6379',
        REDIS_CLUSTER_NODES: '10.0.0.1:7000',
      }),
    ).toThrow('Invalid configuration: REDIS_CLUSTER_NODES: give REDIS_URL');
  });

  it('derives the issuer and every endpoint from PORT when ISSUER is absent', () => {
    const sut = loadConfig({ PORT: '4000', CONFIG_FILE: configFile });
    expect(sut.issuer).toBe('http://localhost:4000');
    expect(sut.endpoints).toEqual({
      token: 'http://localhost:4000/oauth2/token',
      jwks: 'http://localhost:4000/oauth2/jwks',
      introspection: 'http://localhost:4000/oauth2/introspect',
      revocation: 'http://localhost:4000/oauth2/revoke',
      authorization: 'http://localhost:4000/oauth2/authorize',
      par: 'http://localhost:4000/oauth2/par',
      userinfo: 'http://localhost:4000/oauth2/userinfo',
      endSession: 'http://localhost:4000/oauth2/logout',
      registration: 'http://localhost:4000/oauth2/register',
    });
    expect(sut.bodyLimit).toBe(64 * 1024);
  });

  it('bounds every connection by default: headers, whole request, idle time and count', () => {
    expect(loadConfig({ CONFIG_FILE: configFile }).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 4096,
      coalesceWrites: true,
    });
    const sut = loadConfig({
      CONFIG_FILE: configFile,
      HEADERS_TIMEOUT_MS: '300',
      REQUEST_TIMEOUT_MS: '800',
      KEEP_ALIVE_TIMEOUT_MS: '65000',
      MAX_CONNECTIONS: '20000',
      HTTP_COALESCE_WRITES: 'false',
    });
    expect(sut.http).toEqual({
      headersTimeoutMs: 300,
      requestTimeoutMs: 800,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 20_000,
      coalesceWrites: false,
    });
  });

  it('holds answers to the end of the turn by default only without Kafka (HTTP_COALESCE_WRITES)', () => {
    const http = (env: Record<string, string>) =>
      loadConfig({ CONFIG_FILE: configFile, ...env }).http.coalesceWrites;
    expect(http({})).toBe(true);
    expect(http({ KAFKA_BROKERS: 'localhost:9092' })).toBe(false);
    expect(http({ KAFKA_BROKERS: 'localhost:9092', HTTP_COALESCE_WRITES: 'true' })).toBe(true);
    expect(http({ HTTP_COALESCE_WRITES: 'false' })).toBe(false);
  });

  it('lets split services advertise their own public URLs', () => {
    const sut = loadConfig({
      ISSUER: 'https://auth.example.com/',
      INTROSPECTION_ENDPOINT: 'https://introspect.example.com/oauth2/introspect',
      CONFIG_FILE: configFile,
    });
    expect(sut.issuer).toBe('https://auth.example.com');
    expect(sut.endpoints.token).toBe('https://auth.example.com/oauth2/token');
    expect(sut.endpoints.introspection).toBe('https://introspect.example.com/oauth2/introspect');
  });

  it('is frozen all the way down', () => {
    const sut = loadConfig({ CONFIG_FILE: configFile });
    expect(Object.isFrozen(sut)).toBe(true);
    expect(Object.isFrozen(sut.endpoints)).toBe(true);
    expect(Object.isFrozen(sut.registry.clients)).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ISSUER: 'not a url' }, 'ISSUER'],
    [{ ISSUER: 'https://auth.example.com/?q=1' }, 'ISSUER'],
    [{ BODY_LIMIT: '12' }, 'BODY_LIMIT'],
    [{ LOG_LEVEL: 'chatty' }, 'LOG_LEVEL'],
    [{ TOKEN_ENDPOINT: 'ftp://x' }, 'TOKEN_ENDPOINT'],
    [{ HEADERS_TIMEOUT_MS: '0' }, 'HEADERS_TIMEOUT_MS'],
    [{ REQUEST_TIMEOUT_MS: 'never' }, 'REQUEST_TIMEOUT_MS'],
    [{ HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '1000' }, 'HEADERS_TIMEOUT_MS'],
    [{ KEEP_ALIVE_TIMEOUT_MS: '50' }, 'KEEP_ALIVE_TIMEOUT_MS'],
    [{ MAX_CONNECTIONS: '0' }, 'MAX_CONNECTIONS'],
    [{ HTTP_COALESCE_WRITES: 'yes' }, 'HTTP_COALESCE_WRITES'],
    [{ AUTH_FAILURES_PER_CLIENT: '0' }, 'AUTH_FAILURES_PER_CLIENT'],
    [{ AUTH_FAILURES_PER_ADDRESS: 'many' }, 'AUTH_FAILURES_PER_ADDRESS'],
    [{ AUTH_FAILURE_WINDOW_SECONDS: '0' }, 'AUTH_FAILURE_WINDOW_SECONDS'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ SCRYPT_CONCURRENCY: '0' }, 'SCRYPT_CONCURRENCY'],
  ])('stops on a bad variable and names it %#', (env, name) => {
    expect(() => loadConfig({ CONFIG_FILE: configFile, ...env })).toThrow(
      `Invalid configuration: ${name}:`,
    );
  });

  it('names CONFIG_FILE when the file is missing or not JSON', () => {
    expect(() => loadConfig({ CONFIG_FILE: join(dir, 'absent.json') })).toThrow('CONFIG_FILE');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(() => loadConfig({ CONFIG_FILE: broken })).toThrow('CONFIG_FILE: ');
  });

  it('never echoes a malformed CONFIG_FILE: it holds client secrets', () => {
    const secret = 'svc-a-production-secret-0123456789';
    const broken = join(dir, 'secret.json');
    writeFileSync(broken, `{"clients": [{"client_id": "a", "client_secret": ${secret}}]}`);
    expect(() => loadConfig({ CONFIG_FILE: broken })).toThrow(
      `CONFIG_FILE: ${broken} is not valid JSON: unexpected character at line 1, column 50`,
    );
    expect(() => loadConfig({ CONFIG_FILE: broken })).not.toThrow(secret.slice(0, 12));
  });
});

describe('loadConfig with NODE_ENV=production', () => {
  const hashed = join(dir, 'hashed.json');
  writeFileSync(
    hashed,
    JSON.stringify({
      resources: [{ identifier: 'https://orders.example.com', scopes: ['orders:read'] }],
      clients: [
        {
          client_id: 'svc-a',
          client_secret_hash: '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5',
          resources: ['https://orders.example.com'],
        },
      ],
    }),
  );
  const production = {
    NODE_ENV: 'production',
    CONFIG_FILE: hashed,
    KEYS_FILE: '/run/secrets/keys.json',
    ISSUER: 'https://auth.example.com',
  };

  it('starts with explicit files, hashed secrets and https URLs, and warns of nothing', () => {
    const sut = loadConfig(production);
    expect(sut.production).toBe(true);
    expect(sut.warnings).toEqual([]);
    expect(sut.keysFile).toBe('/run/secrets/keys.json');
  });

  it.each([
    [{ CONFIG_FILE: undefined }, 'CONFIG_FILE: is required when NODE_ENV=production'],
    [{ CONFIG_FILE: '' }, 'CONFIG_FILE: is required when NODE_ENV=production'],
    [{ KEYS_FILE: undefined }, 'KEYS_FILE: is required when NODE_ENV=production'],
    [{ ISSUER: undefined }, 'ISSUER: is required when NODE_ENV=production'],
    [{ ISSUER: 'http://auth.example.com' }, 'ISSUER: must be an https URL'],
    [{ TOKEN_ENDPOINT: 'http://auth.example.com/token' }, 'TOKEN_ENDPOINT: must be an https URL'],
    [{ CONFIG_FILE: configFile.replace('registry', 'plain') }, 'clients[0].client_secret:'],
  ])('refuses a development default or an unsafe value %#', (over, message) => {
    writeFileSync(
      join(dir, 'plain.json'),
      JSON.stringify({
        resources: [],
        clients: [{ client_id: 'svc-a', client_secret: 'plain-secret-0123456789' }],
      }),
    );
    let error = '';
    try {
      loadConfig({ ...production, ...over });
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toContain(`Invalid configuration: ${message}`);
    expect(error).not.toContain('plain-secret-0123456789');
  });

  it('refuses a plain user password, naming the user, never the password', () => {
    const withUser = join(dir, 'plain-user.json');
    writeFileSync(
      withUser,
      JSON.stringify({
        resources: [],
        clients: [],
        users: [
          { username: 'alice', password_hash: '$scrypt$ln=14,r=8,p=1$c2FsdA$a2V5' },
          { username: 'bob', password: 'bob-plain-password-0123' },
        ],
      }),
    );
    let error = '';
    try {
      loadConfig({ ...production, CONFIG_FILE: withUser });
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toBe(
      'Invalid configuration: users[1].password: plain-text passwords are refused when ' +
        'NODE_ENV=production: give password_hash (make one with `npm run hash-secret`)',
    );
    expect(loadConfig({ CONFIG_FILE: withUser }).registry.users[1]!.password.kind).toBe('plain');
  });

  it('lets a client fetch its jwks_uri over http on loopback only in development', () => {
    const withUri = join(dir, 'loopback-jwks-uri.json');
    writeFileSync(
      withUri,
      JSON.stringify({
        resources: [],
        clients: [
          {
            client_id: 'svc-k',
            token_endpoint_auth_method: 'private_key_jwt',
            jwks_uri: 'http://127.0.0.1:8080/jwks',
          },
        ],
      }),
    );
    expect(loadConfig({ CONFIG_FILE: withUri }).registry.clients[0]!.jwksUri).toBe(
      'http://127.0.0.1:8080/jwks',
    );
    expect(() => loadConfig({ ...production, CONFIG_FILE: withUri })).toThrow(
      'clients[0].jwks_uri: must be an https URL',
    );
  });

  it('refuses the shipped example configuration, whose secrets are published', () => {
    expect(() => loadConfig({ ...production, CONFIG_FILE: 'config/dev.json' })).toThrow(
      'clients[0].client_secret: plain-text secrets are refused when NODE_ENV=production',
    );
  });
});

describe('loadConfig in development', () => {
  it('loads the example configuration without CONFIG_FILE and says so loudly', () => {
    const sut = loadConfig({});
    expect(sut.production).toBe(false);
    expect(sut.configFile).toBe(resolve(DEV_CONFIG_FILE));
    expect(sut.warnings).toEqual([
      expect.stringContaining(`CONFIG_FILE is unset: loaded the public example ${DEV_CONFIG_FILE}`),
      expect.stringContaining('plain-text client_secret for svc-a'),
      expect.stringContaining('plain-text password for users alice, bob'),
      expect.stringContaining('KEYS_FILE is unset: signing keys were generated at start'),
    ]);
  });

  it("ships the sign-in flow's example clients and users", () => {
    const { clients, users } = loadConfig({}).registry;
    expect(clients.find((c) => c.clientId === 'web-app')).toMatchObject({
      authMethod: 'client_secret_basic',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1:8080/callback'],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'orders:read'],
      refreshToken: { reuseGraceSeconds: 0, ttl: 2_592_000, idleTtl: 1_209_600 },
      idTokenSignedResponseAlg: 'RS256',
      subjectType: 'public',
      loginProvider: false,
    });
    const native = clients.find((c) => c.clientId === 'native-app');
    expect(native).toMatchObject({
      authMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1/callback', 'com.example.nativeapp:/callback'],
      // A phone on a flaky network may lose the answer of a refresh and send it again.
      refreshToken: { reuseGraceSeconds: 10, ttl: 2_592_000, idleTtl: 1_209_600 },
    });
    expect(native?.secret).toBeUndefined();
    expect(clients.find((c) => c.clientId === 'login-app')).toMatchObject({
      grantTypes: [],
      loginProvider: true,
      secret: { kind: 'plain' },
    });
    expect(users.map((u) => [u.username, u.subject, u.password.kind])).toEqual([
      ['alice', 'alice', 'plain'],
      ['bob', 'bob', 'plain'],
    ]);
    expect(users[0]!.claims).toMatchObject({ email: 'alice@example.com', email_verified: true });
  });

  it('warns of plain user passwords by username, and not of hashed ones', () => {
    const withUsers = join(dir, 'users.json');
    const users = [
      { username: 'carol', password: 'carol-dev-password' },
      { username: 'dave', password_hash: '$scrypt$ln=14,r=8,p=1$c2FsdA$a2V5' },
    ];
    writeFileSync(withUsers, JSON.stringify({ resources: [], clients: [], users }));
    const sut = loadConfig({ CONFIG_FILE: withUsers, KEYS_FILE: 'keys.json' });
    expect(sut.warnings).toEqual([
      'plain-text password for users carol: NODE_ENV=production refuses these; give ' +
        'password_hash instead (npm run hash-secret).',
    ]);
    expect(sut.warnings.join()).not.toContain('carol-dev-password');
  });

  it('names only what it really defaulted', () => {
    expect(loadConfig({ CONFIG_FILE: configFile, KEYS_FILE: 'keys.json' }).warnings).toEqual([]);
    expect(loadConfig({ CONFIG_FILE: configFile, NODE_ENV: 'test' }).warnings).toEqual([
      expect.stringContaining('KEYS_FILE is unset'),
    ]);
  });

  it('warns of the public DPoP nonce key when nonces are required without a secret', () => {
    const env = { CONFIG_FILE: configFile, KEYS_FILE: 'keys.json', DPOP_NONCE_REQUIRED: 'true' };
    const sut = loadConfig(env);
    expect(sut.dpop.nonce?.windowSeconds).toBe(60);
    expect(sut.warnings).toEqual([expect.stringContaining('DPOP_NONCE_SECRET is unset')]);
  });
});

describe('loadConfig: client authentication limits', () => {
  it('throttles failed client authentications by default, and takes other limits', () => {
    expect(loadConfig({ CONFIG_FILE: configFile }).authThrottle).toEqual({
      failuresPerClient: 10,
      failuresPerAddress: 30,
      windowSeconds: 60,
    });
    const sut = loadConfig({
      CONFIG_FILE: configFile,
      AUTH_FAILURES_PER_CLIENT: '3',
      AUTH_FAILURES_PER_ADDRESS: '7',
      AUTH_FAILURE_WINDOW_SECONDS: '120',
    });
    expect(sut.authThrottle).toEqual({
      failuresPerClient: 3,
      failuresPerAddress: 7,
      windowSeconds: 120,
    });
  });

  it('trusts no proxy unless TRUST_PROXY names some', () => {
    expect(loadConfig({ CONFIG_FILE: configFile }).trustProxy).toBe(false);
    expect(
      loadConfig({ CONFIG_FILE: configFile, TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy,
    ).toEqual(['10.0.0.0/8', 'loopback']);
  });
});
