import type { RegistrationConfig } from '@app/config';
import { fieldsOf, InvalidRequest } from '@app/oauth';

/** What `POST /admin/initial-access-tokens` asks for. */
export interface InitialAccessTokenRequest {
  /** Seconds the token lives. */
  readonly expiresIn: number;
  /** Registrations it allows. */
  readonly uses: number;
}

const FIELDS = ['expires_in', 'uses'] as const;

/**
 * Reads the optional JSON body strictly (no body at all: the defaults): `expires_in` from 60
 * seconds to INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS (default INITIAL_ACCESS_TOKEN_TTL_SECONDS),
 * `uses` from 1 to the configured maximum (default 1: one token, one client).
 */
export function initialAccessTokenRequest(
  body: unknown,
  limits: RegistrationConfig,
): InitialAccessTokenRequest {
  const o = body === undefined ? {} : fieldsOf(body, 'the body', FIELDS);
  return {
    expiresIn: bounded(
      o.expires_in,
      'expires_in',
      limits.initialAccessTokenTtl,
      60,
      limits.initialAccessTokenMaxTtl,
    ),
    uses: bounded(o.uses, 'uses', 1, 1, limits.initialAccessTokenMaxUses),
  };
}

function bounded(v: unknown, name: string, fallback: number, min: number, max: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    throw new InvalidRequest(`${name} must be a whole number from ${min} to ${max}`);
  return v;
}
