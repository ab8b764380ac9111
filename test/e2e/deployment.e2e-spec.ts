import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig, loadResourceServerEnv } from '@app/config';

// No Docker engine runs here, so the compose file is checked for structure and for agreement
// with the code: every service boots from the image, finds its engines and passes validation.
const root = join(__dirname, '../..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
const nestProjects = Object.keys(
  JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')).projects,
);

type Service = {
  environment: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
};
const all: Record<string, Service & { profiles?: string[] }> = compose.services;
/** The default topology (`docker compose up`): the services of no profile. */
const services: Record<string, Service> = Object.fromEntries(
  Object.entries(all).filter(([, s]) => !s.profiles),
);
/** The clustered engines and the services on them (`docker compose --profile ha up`). */
const ha: Record<string, Service & { command?: string[] }> = Object.fromEntries(
  Object.entries(all).filter(([, s]) => s.profiles?.includes('ha')),
);
const apps = ['issuance', 'introspection', 'revocation', 'authorization', 'login'];

describe('docker-compose.yml', () => {
  it('runs Kafka, Redis, the five services and the demo API, each with a health check', () => {
    expect(Object.keys(services).sort()).toEqual(['demo-api', 'kafka', 'redis', ...apps].sort());
    for (const s of Object.values(services)) expect(s.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it.each(apps)('starts %s only once Kafka and Redis are healthy', (name) => {
    expect(services[name]!.depends_on).toEqual({
      kafka: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it.each(apps)('gives %s a configuration the code accepts, on the port it publishes', (name) => {
    const env = services[name]!.environment;
    expect(env.APP).toBe(name);
    expect(nestProjects).toContain(name);
    expect(dockerfile).toContain(`nest build ${name}`);
    const config = loadConfig({
      ...env,
      CONFIG_FILE: join(root, 'config/dev.json'),
      KEYS_FILE: '',
    });
    expect(config.kafka?.brokers).toEqual(['kafka:9092']);
    expect(config.redisUrl).toBe('redis://redis:6379');
    expect(services[name]!.ports).toEqual([`${env.PORT}:${env.PORT}`]);
    expect(services[name]!.healthcheck!.test.join(' ')).toContain(`:${env.PORT}/health/ready`);
  });

  it('runs the demo API against the issuer the services advertise, with a config it accepts', () => {
    const env = services['demo-api']!.environment;
    expect(dockerfile).toContain('nest build demo-api');
    const rs = loadResourceServerEnv(env);
    expect(rs.issuer).toBe(services.issuance!.environment.ISSUER);
    expect(rs.jwksUri).toBe('http://issuance:3001/oauth2/jwks');
    expect(rs.redisUrl).toBe('redis://redis:6379');
    expect(services['demo-api']!.depends_on).toEqual({
      issuance: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it("gives the demo API a client of its own whose introspects names the API's audience", () => {
    const rs = loadResourceServerEnv(services['demo-api']!.environment);
    const { registry } = loadConfig({ CONFIG_FILE: join(root, 'config/dev.json'), KEYS_FILE: '' });
    const client = registry.clients.find((c) => c.clientId === rs.introspection?.clientId);
    expect(client?.secret).toEqual({ kind: 'plain', value: rs.introspection!.clientSecret });
    expect(client?.introspects).toEqual([rs.audience]);
    expect(rs.introspection!.endpoint).toBe('http://introspection:3002/oauth2/introspect');
  });

  it('shares one issuer, one key set and the same public endpoints across the services', () => {
    const envs = apps.map((a) => services[a]!.environment);
    for (const name of [
      'ISSUER',
      'KEYS_FILE',
      'AUTHORIZATION_ENDPOINT',
      'REGISTRATION_ENDPOINT',
      'LOGIN_URL',
      'CONSENT_URL',
    ])
      expect(new Set(envs.map((e) => e[name])).size).toBe(1);
    expect(envs[0]!.KEYS_FILE).toBeTruthy();
  });

  it('sends the browser to the authorization service and the login app on their published ports', () => {
    const env = services.issuance!.environment;
    const config = loadConfig({
      ...env,
      CONFIG_FILE: join(root, 'config/dev.json'),
      KEYS_FILE: '',
    });
    const published = (name: string) => services[name]!.ports!.map((p) => p.split(':')[0]);
    expect(published('authorization')).toContain(new URL(config.endpoints.authorization).port);
    expect(published('authorization')).toContain(new URL(config.endpoints.par).port);
    expect(published('authorization')).toContain(new URL(config.endpoints.endSession).port);
    expect(published('login')).toContain(new URL(config.signIn.loginUrl).port);
    expect(published('login')).toContain(new URL(config.signIn.consentUrl).port);
  });

  it("runs the login app as config/dev.json's login_provider client, calling the API inside the network", () => {
    const env = services.login!.environment;
    const config = loadConfig({
      ...env,
      CONFIG_FILE: join(root, 'config/dev.json'),
      KEYS_FILE: '',
    });
    expect(config.signIn.loginApp.apiUrl).toBe('http://authorization:3004');
    const client = config.registry.clients.find((c) => c.clientId === env.LOGIN_CLIENT_ID);
    expect(client?.loginProvider).toBe(true);
    expect(client?.secret).toEqual({ kind: 'plain', value: env.LOGIN_CLIENT_SECRET });
  });
});

describe('docker-compose.yml ha profile', () => {
  const kafkaNodes = ['kafka-1', 'kafka-2', 'kafka-3'];
  const haApps = apps;

  it('adds three Kafka nodes, six Redis nodes, the cluster join, the five services and the demo API, nothing else', () => {
    expect(Object.keys(all).filter((n) => !services[n] && !ha[n])).toEqual([]);
    expect(Object.keys(ha).sort()).toEqual(
      [
        ...kafkaNodes,
        ...[1, 2, 3, 4, 5, 6].map((n) => `redis-${n}`),
        'redis-cluster-init',
        ...haApps.map((a) => `${a}-ha`),
        'demo-api-ha',
      ].sort(),
    );
  });

  it('runs the demo API on the ha issuer, its mirror on the Redis Cluster', () => {
    const service = ha['demo-api-ha']!;
    const rs = loadResourceServerEnv(service.environment);
    expect(rs.issuer).toBe(ha['issuance-ha']!.environment.ISSUER);
    expect(rs.jwksUri).toBe('http://issuance-ha:3101/oauth2/jwks');
    expect(rs.redisUrl).toBeUndefined();
    expect(rs.redisCluster?.nodes).toHaveLength(3);
    expect(rs.introspection?.endpoint).toBe('http://introspection-ha:3102/oauth2/introspect');
    expect(service.depends_on).toEqual({
      'issuance-ha': { condition: 'service_healthy' },
      'redis-cluster-init': { condition: 'service_completed_successfully' },
    });
  });

  it('sends the browser to the ha front channel and the login app to its API', () => {
    const env = ha['issuance-ha']!.environment;
    expect(env.AUTHORIZATION_ENDPOINT).toBe('http://localhost:3104/oauth2/authorize');
    expect(env.LOGIN_URL).toBe(`http://localhost:${ha['login-ha']!.environment.PORT}/login`);
    expect(ha['login-ha']!.environment.LOGIN_API_URL).toBe(
      `http://authorization-ha:${ha['authorization-ha']!.environment.PORT}`,
    );
  });

  it('runs one controller quorum of three combined nodes, replicating thrice with two in sync', () => {
    const envs = kafkaNodes.map((n) => ha[n]!.environment as Record<string, unknown>);
    expect(envs.map((e) => e.KAFKA_NODE_ID)).toEqual([1, 2, 3]);
    for (const [i, e] of envs.entries()) {
      expect(e.KAFKA_PROCESS_ROLES).toBe('broker,controller');
      expect(e.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093');
      expect(e.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://kafka-${i + 1}:9092`);
      expect(e.KAFKA_DEFAULT_REPLICATION_FACTOR).toBe(3);
      expect(e.KAFKA_MIN_INSYNC_REPLICAS).toBe(2);
      expect(e.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe(3);
    }
    expect(new Set(envs.map((e) => e.CLUSTER_ID)).size).toBe(1);
  });

  it('runs six cluster-enabled Redis nodes', () => {
    for (let n = 1; n <= 6; n++) {
      expect(ha[`redis-${n}`]!.command).toEqual(
        expect.arrayContaining(['--cluster-enabled', 'yes']),
      );
    }
  });

  it.each(haApps)(
    'gives %s-ha a configuration the code accepts, on the clustered engines',
    (name) => {
      const service = ha[`${name}-ha`]!;
      const env = service.environment;
      expect(env.APP).toBe(name);
      const config = loadConfig({
        ...env,
        CONFIG_FILE: join(root, 'config/dev.json'),
        KEYS_FILE: '',
      });
      expect(config.kafka?.brokers).toEqual(['kafka-1:9092', 'kafka-2:9092', 'kafka-3:9092']);
      expect(config.kafka?.replicationFactor).toBe(3);
      expect(config.redisUrl).toBeUndefined();
      expect(config.redisCluster?.nodes).toHaveLength(3);
      expect(service.ports).toEqual([`${env.PORT}:${env.PORT}`]);
      expect(service.healthcheck!.test.join(' ')).toContain(`:${env.PORT}/health/ready`);
      expect(service.depends_on).toEqual({
        'kafka-1': { condition: 'service_healthy' },
        'kafka-2': { condition: 'service_healthy' },
        'kafka-3': { condition: 'service_healthy' },
        'redis-cluster-init': { condition: 'service_completed_successfully' },
      });
    },
  );
});

describe('Dockerfile', () => {
  it('runs in production mode', () => {
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production$/m);
  });

  it('ships no development configuration and no keys', () => {
    // Neither stage may see config/ (public secrets, a client's private key): it is ignored.
    expect(dockerignore).toContain('/config');
    expect(dockerfile).not.toMatch(/^COPY\b.*\bconfig\b/m);
  });
});

describe('docker-compose.yml development mode', () => {
  const images = [...apps, 'demo-api'];

  it.each(images)('says that %s runs in development mode', (name) => {
    expect(services[name]!.environment.NODE_ENV).toBe('development');
  });

  it('would be refused in production mode: the mounted example config has plain secrets', () => {
    const env = services.issuance!.environment;
    expect(env.CONFIG_FILE).toBe('/app/config/dev.json');
    expect(() =>
      loadConfig({
        ...env,
        NODE_ENV: 'production',
        ISSUER: 'https://auth.example.com',
        INTROSPECTION_ENDPOINT: undefined,
        REVOCATION_ENDPOINT: undefined,
        REGISTRATION_ENDPOINT: undefined,
        AUTHORIZATION_ENDPOINT: undefined,
        PAR_ENDPOINT: undefined,
        END_SESSION_ENDPOINT: undefined,
        LOGIN_URL: undefined,
        CONSENT_URL: undefined,
        CONFIG_FILE: join(root, 'config/dev.json'),
      }),
    ).toThrow('clients[0].client_secret: plain-text secrets are refused');
  });
});
