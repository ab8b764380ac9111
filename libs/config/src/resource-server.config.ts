import { ConfigError } from './config.error';
import { FailurePolicy, FAILURE_POLICIES } from './config.types';

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
}

export function loadResourceServerEnv(
  env: Env = process.env,
  defaultPort = 4000,
): ResourceServerEnv {
  const issuer = url(env.ISSUER ?? 'http://localhost:3000', 'ISSUER').replace(/\/+$/, '');
  const clientId = env.RESOURCE_CLIENT_ID;
  const clientSecret = env.RESOURCE_CLIENT_SECRET;
  if ((clientId === undefined) !== (clientSecret === undefined))
    throw new ConfigError(
      'RESOURCE_CLIENT_ID',
      'give RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET together',
    );
  if (!env.REDIS_URL) throw new ConfigError('REDIS_URL', 'the revocation mirror needs Redis');
  return Object.freeze({
    port: int(env.PORT, 'PORT', defaultPort, 0, 65535),
    issuer,
    audience: url(env.RESOURCE_AUDIENCE ?? 'https://orders.example.com', 'RESOURCE_AUDIENCE'),
    jwksUri: url(env.JWKS_URI ?? `${issuer}/oauth2/jwks`, 'JWKS_URI'),
    redisUrl: env.REDIS_URL,
    introspection:
      clientId && clientSecret
        ? {
            endpoint: url(
              env.INTROSPECTION_ENDPOINT ?? `${issuer}/oauth2/introspect`,
              'INTROSPECTION_ENDPOINT',
            ),
            clientId,
            clientSecret,
          }
        : undefined,
    stalenessBudgetMs: int(
      env.REVOCATION_STALENESS_BUDGET_MS,
      'REVOCATION_STALENESS_BUDGET_MS',
      2000,
      100,
      60_000,
    ),
    failurePolicy: policy(env.REVOCATION_FAILURE_POLICY),
    clockSkewSeconds: int(env.CLOCK_SKEW_SECONDS, 'CLOCK_SKEW_SECONDS', 5, 0, 300),
  });
}

function url(v: string, name: string): string {
  if (!URL.canParse(v) || !/^https?:/.test(v))
    throw new ConfigError(name, `must be an http(s) URL, got "${v}"`);
  return v;
}

function int(
  v: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${v}"`);
  return n;
}

function policy(v: string | undefined): FailurePolicy {
  if (!v) return 'fail-closed';
  if (!(FAILURE_POLICIES as readonly string[]).includes(v))
    throw new ConfigError(
      'REVOCATION_FAILURE_POLICY',
      `must be one of ${FAILURE_POLICIES.join(', ')}`,
    );
  return v as FailurePolicy;
}
