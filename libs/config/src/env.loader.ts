import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './config.error';
import { httpUrl, integer, oneOf } from './env-values';
import { AppConfig, FAILURE_POLICIES, KafkaConfig } from './config.types';
import { parseRegistryFile } from './registry-file.parser';

type Env = Readonly<Record<string, string | undefined>>;

/** The example configuration shipped with the repository; its secrets are public. */
export const DEV_CONFIG_FILE = 'config/dev.json';
const DEFAULT_BODY_LIMIT = 64 * 1024;
const LOG_LEVELS = ['error', 'warn', 'log', 'debug'] as const;

/**
 * Reads the environment once, validates it and the files it names, and returns a frozen tree.
 * The only reader of process.env in the code base: libraries receive this object.
 */
export function loadConfig(
  env: Env = process.env,
  defaults: { port?: number; projector?: boolean } = {},
): AppConfig {
  const port = integer(env.PORT, 'PORT', defaults.port ?? 3000, 0, 65535);
  const configFile = resolve(env.CONFIG_FILE || DEV_CONFIG_FILE);
  const iss = issuer(env.ISSUER, port);
  // Development is anything but NODE_ENV=production: only there may a client's keys come over
  // plain http, and only from this machine.
  const clientJwksLoopbackHttp = env.NODE_ENV !== 'production';
  const registry = parseRegistryFile(readJson(configFile, 'CONFIG_FILE'), {
    allowLoopbackHttpJwksUri: clientJwksLoopbackHttp,
  });
  const config: AppConfig = {
    port,
    host: env.HOST || '0.0.0.0',
    issuer: iss,
    endpoints: {
      token: httpUrl(env.TOKEN_ENDPOINT, 'TOKEN_ENDPOINT', `${iss}/oauth2/token`),
      jwks: httpUrl(env.JWKS_URI, 'JWKS_URI', `${iss}/oauth2/jwks`),
      introspection: httpUrl(
        env.INTROSPECTION_ENDPOINT,
        'INTROSPECTION_ENDPOINT',
        `${iss}/oauth2/introspect`,
      ),
      revocation: httpUrl(env.REVOCATION_ENDPOINT, 'REVOCATION_ENDPOINT', `${iss}/oauth2/revoke`),
    },
    configFile,
    keysFile: env.KEYS_FILE ? resolve(env.KEYS_FILE) : undefined,
    registry,
    clientJwksLoopbackHttp,
    bodyLimit: integer(env.BODY_LIMIT, 'BODY_LIMIT', DEFAULT_BODY_LIMIT, 1024, 1024 * 1024),
    logLevel: logLevel(env.LOG_LEVEL),
    kafka: kafka(env),
    redisUrl: redisUrl(env.REDIS_URL),
    revocationFailurePolicy: oneOf(
      env.REVOCATION_FAILURE_POLICY,
      'REVOCATION_FAILURE_POLICY',
      FAILURE_POLICIES,
      'fail-closed',
    ),
    projector: boolean(env.PROJECTOR, 'PROJECTOR', defaults.projector ?? false),
    maxTokenTtl: Math.max(60, ...registry.resources.map((r) => r.accessTokenTtl)),
  };
  return deepFreeze(config);
}

export function readJson(file: string, variable: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(variable, `cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(variable, `${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function issuer(v: string | undefined, port: number): string {
  if (!v) return `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError('ISSUER', `must be an absolute URL, got "${v}"`);
  }
  // RFC 8414 §2: an https URL with no query or fragment (http is tolerated for local use).
  if (!['https:', 'http:'].includes(url.protocol) || url.search || url.hash)
    throw new ConfigError('ISSUER', 'must be an http(s) URL without query or fragment');
  return v.replace(/\/+$/, '');
}

function logLevel(v: string | undefined): AppConfig['logLevel'] {
  return oneOf(v, 'LOG_LEVEL', LOG_LEVELS, 'log');
}

function boolean(v: string | undefined, name: string, fallback: boolean): boolean {
  if (!v) return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ConfigError(name, `must be true or false, got "${v}"`);
}

function kafka(env: Env): KafkaConfig | undefined {
  if (!env.KAFKA_BROKERS) return undefined;
  const brokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim());
  if (brokers.some((b) => !/^[^\s:]+:\d{1,5}$/.test(b)))
    throw new ConfigError('KAFKA_BROKERS', 'must be a comma-separated list of host:port');
  return {
    brokers,
    clientId: env.KAFKA_CLIENT_ID || 'token-lifecycle',
    lingerMs: integer(env.KAFKA_LINGER_MS, 'KAFKA_LINGER_MS', 0, 0, 100),
    maxBatch: integer(env.KAFKA_MAX_BATCH, 'KAFKA_MAX_BATCH', 500, 1, 10_000),
    publishTimeoutMs: integer(
      env.EVENT_PUBLISH_TIMEOUT_MS,
      'EVENT_PUBLISH_TIMEOUT_MS',
      5000,
      100,
      60_000,
    ),
    topicPartitions: integer(env.KAFKA_TOPIC_PARTITIONS, 'KAFKA_TOPIC_PARTITIONS', 6, 1, 1000),
    replicationFactor: integer(env.KAFKA_REPLICATION_FACTOR, 'KAFKA_REPLICATION_FACTOR', 1, 1, 10),
  };
}

function redisUrl(v: string | undefined): string | undefined {
  if (!v) return undefined;
  if (!/^rediss?:\/\//.test(v) || !URL.canParse(v))
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL');
  return v;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
