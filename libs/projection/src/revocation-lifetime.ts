import type { AppConfig } from '@app/config';

/** Seconds a revocation outlives the tokens it covers: replicas' clocks and racing requests. */
const RACE_MARGIN_SECONDS = 60;

/**
 * Seconds since the epoch until which an admin revocation of a grant or a subject must be kept:
 * every access token it covers was issued before now (or a moment later by a request racing it
 * on another replica) and lives at most `maxTokenTtl`. The grants it ends are deleted as well,
 * so the refresh path, which needs the grant record, refuses their refresh tokens for as long
 * as they live.
 */
export function revocationExp(config: AppConfig, nowMs: number): number {
  return Math.floor(nowMs / 1000) + config.maxTokenTtl + RACE_MARGIN_SECONDS;
}

/**
 * A client-wide revocation ends no grant record: the refresh path checks the client's entry
 * against each grant's creation time, so the entry is kept as long as any grant created before
 * now can live (SESSION_MAX_TTL_SECONDS, the deadline every grant is saved with), and with it
 * every refresh token, which lives no longer than its grant. Replicas' mirrors hold it that
 * long too: one entry per revoked client.
 */
export function clientRevocationExp(config: AppConfig, nowMs: number): number {
  const longest = Math.max(config.maxTokenTtl, config.signIn.sessionMaxTtl);
  return Math.floor(nowMs / 1000) + longest + RACE_MARGIN_SECONDS;
}
