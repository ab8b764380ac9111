import { ConfigError } from './config.error';
import { boolean } from './env-values';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * `GET /metrics` (Prometheus text format) on the service's own port. The metrics name no
 * client, token or user (only route templates, status and RFC error codes), but they tell
 * traffic volumes and error rates: keep the path off the public ingress, or set a token that
 * Prometheus presents (`authorization: { credentials: … }` in its scrape config).
 */
export interface MetricsConfig {
  /** METRICS_ENABLED=false: no /metrics route, no observation hook, no metric updated. */
  readonly enabled: boolean;
  /** METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <token>`. */
  readonly token?: string;
  /**
   * METRICS_CLIENT_LABELS: the clients an operator chose to see by name (the `client` label of
   * the lifecycle counters); every other client counts under an empty `client`. Bounded by the
   * operator, never by callers.
   */
  readonly clientLabels: readonly string[];
}

/** A bearer token anyone could guess protects nothing: 32 characters or more (128+ bits). */
const MIN_TOKEN_LENGTH = 32;
/** Each labelled client multiplies the series of the lifecycle counters. */
const MAX_LABELLED_CLIENTS = 50;

/** `knownClients`: the client ids of CONFIG_FILE; a name outside them is a typo, refused. */
export function loadMetricsConfig(env: Env, knownClients?: readonly string[]): MetricsConfig {
  const enabled = boolean(env.METRICS_ENABLED, 'METRICS_ENABLED', true);
  const token = env.METRICS_TOKEN || undefined;
  if (token !== undefined && (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)))
    throw new ConfigError(
      'METRICS_TOKEN',
      `must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces (e.g. openssl rand -base64 32)`,
    );
  return {
    enabled,
    ...(token === undefined ? {} : { token }),
    clientLabels: clientLabels(env.METRICS_CLIENT_LABELS, knownClients),
  };
}

function clientLabels(v: string | undefined, known: readonly string[] | undefined): string[] {
  if (!v) return [];
  const ids = [...new Set(v.split(',').map((id) => id.trim()))];
  if (ids.some((id) => id === ''))
    throw new ConfigError('METRICS_CLIENT_LABELS', 'must be a comma-separated list of client ids');
  if (ids.length > MAX_LABELLED_CLIENTS)
    throw new ConfigError(
      'METRICS_CLIENT_LABELS',
      `names ${ids.length} clients; at most ${MAX_LABELLED_CLIENTS} (each multiplies the series)`,
    );
  const unknown = known ? ids.filter((id) => !known.includes(id)) : [];
  if (unknown.length > 0)
    throw new ConfigError(
      'METRICS_CLIENT_LABELS',
      `names clients that CONFIG_FILE does not register: ${unknown.join(', ')}`,
    );
  return ids;
}
