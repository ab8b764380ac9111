import { loadRateLimitConfig } from './rate-limit.config';
import { loadSheddingConfig } from './load-shedding.config';
import { resolve } from 'node:path';
import { ConfigError } from './config.error';
import { deepFreeze } from './deep-freeze';
import { boolean, httpUrl, integer, oneOf } from './env-values';
import {
  AppConfig,
  AuthThrottleConfig,
  EndpointUrls,
  FAILURE_POLICIES,
  KafkaConfig,
} from './config.types';
import {
  DEV_CONFIG_FILE,
  developmentWarnings,
  isProduction,
  requireHttpsEndpoints,
  requireProductionSettings,
} from './deployment-mode';
import { dpopWarnings, loadDpopConfig } from './dpop.config';
import { loadSigningKeysConfig, signingKeysWarnings } from './signing-keys.config';
import { loadHttpLimits } from './http-limits.config';
import { loadMtlsConfig } from './mtls.config';
import { loadLogConfig } from './log.config';
import { loadMaxTokenTtl } from './max-token-ttl.config';
import { loadMetricsConfig } from './metrics.config';
import { loadTracingConfig } from './tracing.config';
import { readJson } from './json-file';
import { loadRedisEndpoint } from './redis.config';
import { loadRegistrationConfig } from './registration.config';
import { parseRegistryFile } from './registry-file.parser';
import { loadSignInConfig } from './sign-in.config';
import { trustProxy } from './trust-proxy';

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * Reads the environment once, validates it and the files it names, and returns a frozen tree.
 * The only reader of process.env in the code base: libraries receive this object. With
 * NODE_ENV=production nothing falls back to a development default (deployment-mode.ts).
 */
export function loadConfig(
  env: Env = process.env,
  defaults: { port?: number; projector?: boolean; playground?: boolean } = {},
): AppConfig {
  const production = isProduction(env);
  if (production) requireProductionSettings(env);
  const port = integer(env.PORT, 'PORT', defaults.port ?? 3000, 0, 65535);
  const configFile = resolve(env.CONFIG_FILE || DEV_CONFIG_FILE);
  // A service that terminates TLS itself (TLS_CERT_FILE) is reached over https by default.
  const iss = issuer(env.ISSUER, port, env.TLS_CERT_FILE ? 'https' : 'http');
  const endpoints = endpointUrls(env, iss);
  if (production) requireHttpsEndpoints(iss, endpoints);
  const registry = parseRegistryFile(readJson(configFile, 'CONFIG_FILE'), {
    plainSecrets: !production,
    // Only in development may a client's keys come over plain http, and only from this machine.
    allowLoopbackHttpJwksUri: !production,
  });
  const signIn = loadSignInConfig(env, iss, endpoints.authorization, registry, production);
  const dpop = loadDpopConfig(env, production);
  const mtls = loadMtlsConfig(env, endpoints, registry);
  const signingKeys = loadSigningKeysConfig(env, production);
  const sharedStore = Boolean(env.REDIS_URL || env.REDIS_CLUSTER_NODES);
  const config: AppConfig = {
    production,
    warnings: production
      ? []
      : [
          ...developmentWarnings(env, registry),
          ...dpopWarnings(dpop),
          ...signingKeysWarnings(signingKeys, sharedStore),
        ],
    port,
    host: env.HOST || '0.0.0.0',
    issuer: iss,
    endpoints,
    configFile,
    keysFile: env.KEYS_FILE ? resolve(env.KEYS_FILE) : undefined,
    signingKeys,
    registry,
    bodyLimit: integer(env.BODY_LIMIT, 'BODY_LIMIT', DEFAULT_BODY_LIMIT, 1024, 1024 * 1024),
    http: loadHttpLimits(env),
    trustProxy: trustProxy(env.TRUST_PROXY),
    authThrottle: authThrottle(env),
    rateLimits: loadRateLimitConfig(env),
    loadShedding: loadSheddingConfig(env),
    // Of libuv's 4 threads by default, leave some to DNS, file reads and other checks.
    scryptConcurrency: integer(env.SCRYPT_CONCURRENCY, 'SCRYPT_CONCURRENCY', 2, 1, 64),
    ...loadLogConfig(env),
    kafka: kafka(env),
    ...loadRedisEndpoint(env),
    revocationFailurePolicy: oneOf(
      env.REVOCATION_FAILURE_POLICY,
      'REVOCATION_FAILURE_POLICY',
      FAILURE_POLICIES,
      'fail-closed',
    ),
    projector: boolean(env.PROJECTOR, 'PROJECTOR', defaults.projector ?? false),
    // Issue 16: on by default where the service says so (standalone), off in the split services.
    playground: boolean(env.PLAYGROUND, 'PLAYGROUND', defaults.playground ?? false),
    maxTokenTtl: loadMaxTokenTtl(env.MAX_TOKEN_TTL, registry, signIn.userinfoTokenTtl),
    signIn,
    dpop,
    registration: loadRegistrationConfig(env),
    mtls,
    metrics: loadMetricsConfig(
      env,
      registry.clients.map((c) => c.clientId),
    ),
    tracing: loadTracingConfig(env),
  };
  return deepFreeze(config);
}

function endpointUrls(env: Env, iss: string): EndpointUrls {
  return {
    token: httpUrl(env.TOKEN_ENDPOINT, 'TOKEN_ENDPOINT', `${iss}/oauth2/token`),
    jwks: httpUrl(env.JWKS_URI, 'JWKS_URI', `${iss}/oauth2/jwks`),
    introspection: httpUrl(
      env.INTROSPECTION_ENDPOINT,
      'INTROSPECTION_ENDPOINT',
      `${iss}/oauth2/introspect`,
    ),
    revocation: httpUrl(env.REVOCATION_ENDPOINT, 'REVOCATION_ENDPOINT', `${iss}/oauth2/revoke`),
    authorization: httpUrl(
      env.AUTHORIZATION_ENDPOINT,
      'AUTHORIZATION_ENDPOINT',
      `${iss}/oauth2/authorize`,
    ),
    par: httpUrl(env.PAR_ENDPOINT, 'PAR_ENDPOINT', `${iss}/oauth2/par`),
    userinfo: httpUrl(env.USERINFO_ENDPOINT, 'USERINFO_ENDPOINT', `${iss}/oauth2/userinfo`),
    endSession: httpUrl(env.END_SESSION_ENDPOINT, 'END_SESSION_ENDPOINT', `${iss}/oauth2/logout`),
    registration: httpUrl(
      env.REGISTRATION_ENDPOINT,
      'REGISTRATION_ENDPOINT',
      `${iss}/oauth2/register`,
    ),
  };
}

function issuer(v: string | undefined, port: number, scheme: 'http' | 'https'): string {
  if (!v) return `${scheme}://localhost:${port}`;
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

/**
 * Defaults: a client that fails 10 times a minute is misconfigured or under attack; an address
 * may serve many clients (a NAT, a shared egress), hence the larger allowance. Only failures
 * count, so a busy legitimate caller never gets near either.
 */
function authThrottle(env: Env): AuthThrottleConfig {
  return {
    failuresPerClient: integer(
      env.AUTH_FAILURES_PER_CLIENT,
      'AUTH_FAILURES_PER_CLIENT',
      10,
      1,
      100_000,
    ),
    failuresPerAddress: integer(
      env.AUTH_FAILURES_PER_ADDRESS,
      'AUTH_FAILURES_PER_ADDRESS',
      30,
      1,
      100_000,
    ),
    windowSeconds: integer(
      env.AUTH_FAILURE_WINDOW_SECONDS,
      'AUTH_FAILURE_WINDOW_SECONDS',
      60,
      1,
      86_400,
    ),
  };
}
