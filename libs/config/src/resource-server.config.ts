import { ConfigError } from './config.error';
import { clientCertTrustedProxies } from './mtls.config';
import { httpUrl, integer, oneOf } from './env-values';
import { FailurePolicy, FAILURE_POLICIES } from './config.types';
import { isProduction } from './deployment-mode';
import { DpopConfig, loadDpopConfig } from './dpop.config';
import { HttpLimits, loadHttpLimits } from './http-limits.config';
import { loadRedisEndpoint, RedisClusterConfig } from './redis.config';
import { loadMetricsConfig, MetricsConfig } from './metrics.config';
import { LogConfig, loadLogConfig } from './log.config';
import { loadTracingConfig, TracingConfig } from './tracing.config';

type Env = Readonly<Record<string, string | undefined>>;

/** What an API replica that embeds the resource-server library reads from its environment. */
/** LOG_LEVEL and LOG_FORMAT of a resource server's own process (the demo API) too. */
export interface ResourceServerEnv extends LogConfig {
  readonly port: number;
  readonly issuer: string;
  readonly audience: string;
  /**
   * The API's public base URL as clients address it (RESOURCE_PUBLIC_URL, default the audience):
   * DPoP proofs' `htu` is checked against it followed by the request path (RFC 9449 §7.1).
   */
  readonly publicUrl: string;
  readonly jwksUri: string;
  /** The Redis holding the revocation stream: one Redis, or a Redis Cluster (one of the two). */
  readonly redisUrl?: string;
  readonly redisCluster?: RedisClusterConfig;
  readonly introspection?: { endpoint: string; clientId: string; clientSecret: string };
  readonly stalenessBudgetMs: number;
  readonly failurePolicy: FailurePolicy;
  readonly clockSkewSeconds: number;
  /** The API's own HTTP server: request timeouts and connection cap. */
  readonly http: HttpLimits;
  /** DPoP proof checks for DPoP-bound tokens (RFC 9449 §7); the API's own nonces. */
  readonly dpop: DpopConfig;
  /** CLIENT_CERT_TRUSTED_PROXIES: whose `Client-Cert` header carries the client's certificate. */
  readonly clientCertTrustedProxies: readonly string[];
  /** The API's `GET /metrics` (METRICS_ENABLED, METRICS_TOKEN), as the services read them. */
  readonly metrics: Omit<MetricsConfig, 'clientLabels'>;
  /** OpenTelemetry traces (the standard OTEL_* variables), as the services read them. */
  readonly tracing: TracingConfig;
}

/**
 * With NODE_ENV=production the issuer and the audience must be given (the defaults name the
 * example deployment) and keys and introspection go over https: a key set fetched in the clear
 * lets anyone on the path sign tokens this API accepts. The API's own introspection secret is
 * plain by nature (it presents it), so it is accepted as it is.
 */
export function loadResourceServerEnv(
  env: Env = process.env,
  defaultPort = 4000,
): ResourceServerEnv {
  if (isProduction(env))
    for (const name of ['ISSUER', 'RESOURCE_AUDIENCE'])
      if (!env[name])
        throw new ConfigError(
          name,
          'is required when NODE_ENV=production: the default is an example',
        );
  const issuer = httpUrl(env.ISSUER, 'ISSUER', 'http://localhost:3000').replace(/\/+$/, '');
  const clientId = env.RESOURCE_CLIENT_ID;
  const clientSecret = env.RESOURCE_CLIENT_SECRET;
  if ((clientId === undefined) !== (clientSecret === undefined))
    throw new ConfigError(
      'RESOURCE_CLIENT_ID',
      'give RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET together',
    );
  const redis = loadRedisEndpoint(env);
  if (!redis.redisUrl && !redis.redisCluster)
    throw new ConfigError(
      'REDIS_URL',
      'the revocation mirror needs Redis (or REDIS_CLUSTER_NODES)',
    );
  const jwksUri = httpUrl(env.JWKS_URI, 'JWKS_URI', `${issuer}/oauth2/jwks`);
  const introspectionEndpoint = httpUrl(
    env.INTROSPECTION_ENDPOINT,
    'INTROSPECTION_ENDPOINT',
    `${issuer}/oauth2/introspect`,
  );
  if (isProduction(env)) {
    if (!jwksUri.startsWith('https://'))
      throw new ConfigError('JWKS_URI', 'must be an https URL when NODE_ENV=production');
    if (clientId && !introspectionEndpoint.startsWith('https://'))
      throw new ConfigError(
        'INTROSPECTION_ENDPOINT',
        'must be an https URL when NODE_ENV=production: the API sends its secret there',
      );
  }
  const audience = httpUrl(
    env.RESOURCE_AUDIENCE,
    'RESOURCE_AUDIENCE',
    'https://orders.example.com',
  );
  return Object.freeze({
    port: integer(env.PORT, 'PORT', defaultPort, 0, 65535),
    issuer,
    audience,
    publicUrl: publicUrl(env.RESOURCE_PUBLIC_URL, audience),
    jwksUri,
    ...redis,
    introspection:
      clientId && clientSecret
        ? {
            endpoint: introspectionEndpoint,
            clientId,
            clientSecret,
          }
        : undefined,
    stalenessBudgetMs: integer(
      env.REVOCATION_STALENESS_BUDGET_MS,
      'REVOCATION_STALENESS_BUDGET_MS',
      2000,
      100,
      60_000,
    ),
    failurePolicy: policy(env.REVOCATION_FAILURE_POLICY),
    clockSkewSeconds: integer(env.CLOCK_SKEW_SECONDS, 'CLOCK_SKEW_SECONDS', 5, 0, 300),
    // An API's answers never wait for Kafka, whatever its environment says of it.
    http: Object.freeze(loadHttpLimits(env, false)),
    dpop: loadDpopConfig(env, isProduction(env)),
    clientCertTrustedProxies: clientCertTrustedProxies(env.CLIENT_CERT_TRUSTED_PROXIES),
    metrics: apiMetrics(env),
    ...loadLogConfig(env),
    tracing: loadTracingConfig(env),
  });
}

/**
 * RFC 9449 §4.2: `htu` carries no query or fragment, so neither may the base it is compared
 * with; it is configured because the Host and X-Forwarded-* headers are the client's to set.
 */
function publicUrl(value: string | undefined, audience: string): string {
  const url = httpUrl(value, 'RESOURCE_PUBLIC_URL', audience).replace(/\/+$/, '');
  if (/[?#]/.test(url))
    throw new ConfigError('RESOURCE_PUBLIC_URL', 'must be a base URL without query or fragment');
  return url;
}

/** The library counts no client by name: a list here would be a setting that does nothing. */
function apiMetrics(env: Env): Omit<MetricsConfig, 'clientLabels'> {
  if (env.METRICS_CLIENT_LABELS)
    throw new ConfigError(
      'METRICS_CLIENT_LABELS',
      "applies to the platform's services only: the resource-server library names no client",
    );
  const { enabled, token } = loadMetricsConfig(env);
  return Object.freeze({ enabled, ...(token === undefined ? {} : { token }) });
}

function policy(v: string | undefined): FailurePolicy {
  return oneOf(v, 'REVOCATION_FAILURE_POLICY', FAILURE_POLICIES, 'fail-closed');
}
