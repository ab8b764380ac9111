import { ConfigError } from './config.error';
import { Json } from './json-fields';

export const REFRESH_TOKEN = 'refresh_token';

/** How a client's refresh tokens live (RFC 6749 §6, RFC 9700 §4.14.2); seconds. */
export interface RefreshTokenSettings {
  /** A retired token may be presented again this long without revoking the grant (0–60). */
  readonly reuseGraceSeconds: number;
  /** Absolute lifetime of the grant's refresh tokens, from the grant's creation. */
  readonly ttl: number;
  /** Lifetime of each refresh token since it was issued (its family's last use). */
  readonly idleTtl: number;
}

export const REFRESH_TOKEN_DEFAULTS: RefreshTokenSettings = Object.freeze({
  reuseGraceSeconds: 0,
  ttl: 2_592_000, // 30 days
  idleTtl: 1_209_600, // 14 days
});

const FIELDS = [
  'refresh_token_reuse_grace_seconds',
  'refresh_token_ttl',
  'refresh_token_idle_ttl',
] as const;
const MAX_GRACE = 60;
const MAX_TTL = 31_536_000; // one year

/**
 * The refresh-token fields of one client (`clients[i]`); they need `refresh_token` in
 * `grant_types`. Refresh tokens come only with the authorization_code grant: a client with
 * `refresh_token` alone is accepted (as RFC 7591 §2 lets it be registered) and never gets one.
 */
export function parseRefreshTokenSettings(
  c: Json,
  path: string,
  grantTypes: readonly string[],
): RefreshTokenSettings {
  if (!grantTypes.includes(REFRESH_TOKEN)) {
    const stray = FIELDS.find((f) => c[f] !== undefined);
    if (stray !== undefined)
      throw new ConfigError(
        `${path}.${stray}`,
        `applies only to clients whose grant_types include ${REFRESH_TOKEN}`,
      );
    return REFRESH_TOKEN_DEFAULTS;
  }
  const d = REFRESH_TOKEN_DEFAULTS;
  const ttl = seconds(c.refresh_token_ttl ?? d.ttl, 1, MAX_TTL, `${path}.refresh_token_ttl`);
  return {
    reuseGraceSeconds: seconds(
      c.refresh_token_reuse_grace_seconds ?? d.reuseGraceSeconds,
      0,
      MAX_GRACE,
      `${path}.refresh_token_reuse_grace_seconds`,
    ),
    ttl,
    idleTtl: seconds(
      c.refresh_token_idle_ttl ?? Math.min(d.idleTtl, ttl),
      1,
      ttl,
      `${path}.refresh_token_idle_ttl`,
    ),
  };
}

function seconds(v: unknown, min: number, max: number, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ConfigError(path, `must be an integer from ${min} to ${max} seconds`);
  return v;
}
