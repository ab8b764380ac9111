import { ConfigError } from './config.error';
import { integer } from './env-values';
import { Json, object } from './json-fields';

type Env = Readonly<Record<string, string | undefined>>;

/** The endpoints whose requests are counted (`registration`: RFC 7591/7592 `/oauth2/register`). */
export const RATE_LIMITED_ENDPOINTS = [
  'token',
  'par',
  'authorize',
  'introspection',
  'revocation',
  'registration',
] as const;
export type RateLimitedEndpoint = (typeof RATE_LIMITED_ENDPOINTS)[number];

/**
 * Endpoints that authenticate no client (the authorization endpoint; the registration endpoint,
 * whose caller has no client yet, or a registration access token instead of credentials): a
 * per-client count there would let anyone who names a client id spend that client's allowance.
 * They are limited per address only.
 */
const ADDRESS_ONLY: readonly RateLimitedEndpoint[] = ['authorize', 'registration'];

/** Requests allowed per window on one endpoint; 0 turns that counter off. */
export interface EndpointRateLimit {
  /** Per authenticated client (a client's own `rate_limit` registration field overrides it). */
  readonly perClient: number;
  /** Per source address (after TRUST_PROXY), authenticated or not. */
  readonly perAddress: number;
}

export interface RateLimitConfig {
  /** RATE_LIMIT_WINDOW_SECONDS: the fixed window every request counter uses. */
  readonly windowSeconds: number;
  readonly endpoints: Readonly<Record<RateLimitedEndpoint, EndpointRateLimit>>;
}

/** The per-client override of a client registration: requests per window, by endpoint. */
export type ClientRateLimit = Readonly<Partial<Record<RateLimitedEndpoint, number>>>;

const MAX_POINTS = 1_000_000;

/** The environment name of an endpoint's limits: RATE_LIMIT_<ENDPOINT>_PER_CLIENT|_PER_ADDRESS. */
export const rateLimitVariable = (endpoint: RateLimitedEndpoint, per: 'CLIENT' | 'ADDRESS') =>
  `RATE_LIMIT_${endpoint.toUpperCase()}_PER_${per}`;

/**
 * Every limit is off (0) by default: what a deployment can carry depends on its hardware, so an
 * operator sets the figures it measured. Failed client authentications are throttled regardless
 * (AUTH_FAILURES_PER_*), limits on or off.
 */
export function loadRateLimitConfig(env: Env): RateLimitConfig {
  const limit = (endpoint: RateLimitedEndpoint, per: 'CLIENT' | 'ADDRESS') => {
    const name = rateLimitVariable(endpoint, per);
    return integer(env[name], name, 0, 0, MAX_POINTS);
  };
  for (const e of ADDRESS_ONLY)
    refuseClientLimit(e, env[rateLimitVariable(e, 'CLIENT')], rateLimitVariable(e, 'CLIENT'));
  const endpoints = Object.fromEntries(
    RATE_LIMITED_ENDPOINTS.map((e) => [
      e,
      {
        perClient: ADDRESS_ONLY.includes(e) ? 0 : limit(e, 'CLIENT'),
        perAddress: limit(e, 'ADDRESS'),
      },
    ]),
  ) as Record<RateLimitedEndpoint, EndpointRateLimit>;
  return {
    windowSeconds: integer(env.RATE_LIMIT_WINDOW_SECONDS, 'RATE_LIMIT_WINDOW_SECONDS', 1, 1, 3600),
    endpoints,
  };
}

/**
 * A client registration's `rate_limit`: `{ "token": 100, "introspection": 0 }` replaces the
 * per-client limit of the endpoints it names for this client (0: not limited); the others keep
 * the RATE_LIMIT_* defaults.
 */
export function parseClientRateLimit(v: unknown, path: string): ClientRateLimit | undefined {
  if (v === undefined) return undefined;
  const o: Json = object(v, path);
  const known: readonly string[] = RATE_LIMITED_ENDPOINTS;
  const limits: Partial<Record<RateLimitedEndpoint, number>> = {};
  for (const [endpoint, points] of Object.entries(o)) {
    if (!known.includes(endpoint))
      throw new ConfigError(
        `${path}.${endpoint}`,
        `is not a rate-limited endpoint (${RATE_LIMITED_ENDPOINTS.join(', ')})`,
      );
    if (ADDRESS_ONLY.includes(endpoint as RateLimitedEndpoint))
      refuseClientLimit(endpoint as RateLimitedEndpoint, points, `${path}.${endpoint}`);
    if (
      typeof points !== 'number' ||
      !Number.isInteger(points) ||
      points < 0 ||
      points > MAX_POINTS
    )
      throw new ConfigError(`${path}.${endpoint}`, `must be an integer from 0 to ${MAX_POINTS}`);
    limits[endpoint as RateLimitedEndpoint] = points;
  }
  return Object.freeze(limits);
}

/**
 * The authorization endpoint authenticates no client: a per-client count there would let anyone
 * who names a client id spend that client's allowance and lock its users out of signing in. It
 * is limited per address only (and a client that pushes its requests, RFC 9126, is counted per
 * client at PAR, where it authenticates). The registration endpoint likewise (ADDRESS_ONLY).
 */
function refuseClientLimit(endpoint: RateLimitedEndpoint, value: unknown, name: string) {
  if (value === undefined || value === '' || value === '0' || value === 0) return;
  throw new ConfigError(
    name,
    endpoint === 'authorize'
      ? 'the authorization endpoint authenticates no client, so it is limited per address only ' +
          '(limit pushed requests per client at PAR instead)'
      : 'the registration endpoint authenticates no client, so it is limited per address only',
  );
}
