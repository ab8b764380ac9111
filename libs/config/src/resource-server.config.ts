import { ConfigError } from './config.error';
import { httpUrl, integer, oneOf } from './env-values';
import { FailurePolicy, FAILURE_POLICIES } from './config.types';
import { HttpLimits, loadHttpLimits } from './http-limits.config';

type Env = Readonly<Record<string, string | undefined>>;

/** What an API replica that embeds the resource-server library reads from its environment. */
export interface ResourceServerEnv {
  readonly port: number;
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  readonly redisUrl: string;
  readonly introspection?: { endpoint: string; clientId: string; clientSecret: string };
  readonly stalenessBudgetMs: number;
  readonly failurePolicy: FailurePolicy;
  readonly clockSkewSeconds: number;
  /** The API's own HTTP server: request timeouts and connection cap. */
  readonly http: HttpLimits;
}

export function loadResourceServerEnv(
  env: Env = process.env,
  defaultPort = 4000,
): ResourceServerEnv {
  const issuer = httpUrl(env.ISSUER, 'ISSUER', 'http://localhost:3000').replace(/\/+$/, '');
  const clientId = env.RESOURCE_CLIENT_ID;
  const clientSecret = env.RESOURCE_CLIENT_SECRET;
  if ((clientId === undefined) !== (clientSecret === undefined))
    throw new ConfigError(
      'RESOURCE_CLIENT_ID',
      'give RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET together',
    );
  if (!env.REDIS_URL) throw new ConfigError('REDIS_URL', 'the revocation mirror needs Redis');
  return Object.freeze({
    port: integer(env.PORT, 'PORT', defaultPort, 0, 65535),
    issuer,
    audience: httpUrl(env.RESOURCE_AUDIENCE, 'RESOURCE_AUDIENCE', 'https://orders.example.com'),
    jwksUri: httpUrl(env.JWKS_URI, 'JWKS_URI', `${issuer}/oauth2/jwks`),
    redisUrl: env.REDIS_URL,
    introspection:
      clientId && clientSecret
        ? {
            endpoint: httpUrl(
              env.INTROSPECTION_ENDPOINT,
              'INTROSPECTION_ENDPOINT',
              `${issuer}/oauth2/introspect`,
            ),
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
    http: Object.freeze(loadHttpLimits(env)),
  });
}

function policy(v: string | undefined): FailurePolicy {
  return oneOf(v, 'REVOCATION_FAILURE_POLICY', FAILURE_POLICIES, 'fail-closed');
}
