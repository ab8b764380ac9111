import type { AppConfig } from '@app/config';

/** Seconds a revocation outlives the tokens it covers: replicas' clocks and racing requests. */
const RACE_MARGIN_SECONDS = 60;

/**
 * Seconds since the epoch until which an admin revocation must be kept: every access token it
 * covers was issued before now (or a moment later by a request racing it on another replica)
 * and lives at most `maxTokenTtl`. A revoked grant's record is deleted as well, so the refresh
 * path, which needs the record, refuses the grant's refresh tokens for as long as they live.
 */
export function revocationExp(config: AppConfig, nowMs: number): number {
  return Math.floor(nowMs / 1000) + config.maxTokenTtl + RACE_MARGIN_SECONDS;
}
