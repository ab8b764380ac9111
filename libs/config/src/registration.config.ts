import { boolean, integer } from './env-values';

type Env = Readonly<Record<string, string | undefined>>;

/** Dynamic client registration (RFC 7591 / RFC 7592): who may register, and for how long. */
export interface RegistrationConfig {
  /**
   * OPEN_REGISTRATION (default false): `POST /oauth2/register` without an initial access token
   * (RFC 7591 §3: the server MAY allow it). Off, every registration needs one from the admin API.
   */
  readonly open: boolean;
  /** INITIAL_ACCESS_TOKEN_TTL_SECONDS: an initial access token's lifetime when none is asked. */
  readonly initialAccessTokenTtl: number;
  /** INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS: the longest `expires_in` an admin may ask for. */
  readonly initialAccessTokenMaxTtl: number;
  /** The most registrations one initial access token may allow (`uses`). */
  readonly initialAccessTokenMaxUses: number;
}

const DAY = 86_400;

export function loadRegistrationConfig(env: Env): RegistrationConfig {
  const maxTtl = integer(
    env.INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS,
    'INITIAL_ACCESS_TOKEN_MAX_TTL_SECONDS',
    7 * DAY,
    60,
    30 * DAY,
  );
  return {
    open: boolean(env.OPEN_REGISTRATION, 'OPEN_REGISTRATION', false),
    initialAccessTokenTtl: integer(
      env.INITIAL_ACCESS_TOKEN_TTL_SECONDS,
      'INITIAL_ACCESS_TOKEN_TTL_SECONDS',
      Math.min(DAY, maxTtl),
      60,
      maxTtl,
    ),
    initialAccessTokenMaxTtl: maxTtl,
    initialAccessTokenMaxUses: 1000,
  };
}
