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
}

/** A bearer token anyone could guess protects nothing: 32 characters or more (128+ bits). */
const MIN_TOKEN_LENGTH = 32;

export function loadMetricsConfig(env: Env): MetricsConfig {
  const enabled = boolean(env.METRICS_ENABLED, 'METRICS_ENABLED', true);
  const token = env.METRICS_TOKEN || undefined;
  if (token !== undefined && (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)))
    throw new ConfigError(
      'METRICS_TOKEN',
      `must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces (e.g. openssl rand -base64 32)`,
    );
  return { enabled, ...(token === undefined ? {} : { token }) };
}
