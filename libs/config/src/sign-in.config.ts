import { ConfigError } from './config.error';
import { RegistryConfig } from './config.types';
import { httpUrl, integer } from './env-values';

type Env = Readonly<Record<string, string | undefined>>;

/** Shortest accepted PAIRWISE_SALT (OIDC Core §8.1: a secret of the deployment's). */
const MIN_SALT_LENGTH = 32;

/**
 * The salt used when none is given in development: public, so pairwise subjects made with it can
 * be recomputed by anyone. NODE_ENV=production refuses to start without PAIRWISE_SALT when a
 * client is pairwise.
 */
export const DEV_PAIRWISE_SALT = 'development-only-pairwise-salt-do-not-deploy';

/** How the login app, run as its own process, reaches the login/consent API. */
export interface LoginAppConfig {
  /** Base URL of the authorization service's login/consent API (`/oauth2/auth/requests/…`). */
  readonly apiUrl: string;
  /** A `login_provider` client; absent: the first one of CONFIG_FILE. */
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Failed logins per username per window before the form answers 429 (with Retry-After). */
  readonly failuresPerUsername: number;
  /** Seconds. */
  readonly failureWindowSeconds: number;
}

/** The sign-in flow's settings (authorization service, code grant, ID tokens, /userinfo). */
export interface SignInConfig {
  /** Where the browser is sent with `login_challenge` (the login app's page). */
  readonly loginUrl: string;
  /** Where the browser is sent with `consent_challenge`. */
  readonly consentUrl: string;
  /** OIDC Core §8.1 pairwise subject salt. */
  readonly pairwiseSalt: string;
  /** Seconds an ID token lives. */
  readonly idTokenTtl: number;
  /**
   * Seconds an access token lives when the code flow asked only OpenID scopes (no resource): it
   * serves /userinfo only. 86400 by default, Auth0's documented default for that token.
   */
  readonly userinfoTokenTtl: number;
  /** Seconds an authorization code lives (RFC 6749 §4.1.2: short, ten minutes at most). */
  readonly codeTtl: number;
  /** Seconds a `request_uri` from PAR lives (RFC 9126 §2.2). */
  readonly parTtl: number;
  /** Seconds a user has to get through login and consent. */
  readonly interactionTtl: number;
  /** Longest browser session (upper bound of the login app's `remember_for`), seconds. */
  readonly sessionMaxTtl: number;
  readonly loginApp: LoginAppConfig;
}

export function loadSignInConfig(
  env: Env,
  issuer: string,
  authorizationEndpoint: string,
  registry: RegistryConfig,
  production: boolean,
): SignInConfig {
  return {
    loginUrl: httpUrl(env.LOGIN_URL, 'LOGIN_URL', `${issuer}/login`),
    consentUrl: httpUrl(env.CONSENT_URL, 'CONSENT_URL', `${issuer}/consent`),
    pairwiseSalt: pairwiseSalt(env.PAIRWISE_SALT, registry, production),
    idTokenTtl: integer(env.ID_TOKEN_TTL_SECONDS, 'ID_TOKEN_TTL_SECONDS', 3600, 60, 86_400),
    userinfoTokenTtl: integer(
      env.USERINFO_TOKEN_TTL_SECONDS,
      'USERINFO_TOKEN_TTL_SECONDS',
      86_400,
      60,
      7 * 86_400,
    ),
    codeTtl: integer(
      env.AUTHORIZATION_CODE_TTL_SECONDS,
      'AUTHORIZATION_CODE_TTL_SECONDS',
      60,
      5,
      600,
    ),
    parTtl: integer(env.PAR_TTL_SECONDS, 'PAR_TTL_SECONDS', 60, 5, 600),
    interactionTtl: integer(env.INTERACTION_TTL_SECONDS, 'INTERACTION_TTL_SECONDS', 900, 60, 3600),
    sessionMaxTtl: integer(
      env.SESSION_MAX_TTL_SECONDS,
      'SESSION_MAX_TTL_SECONDS',
      30 * 86_400,
      60,
      365 * 86_400,
    ),
    loginApp: {
      apiUrl: httpUrl(env.LOGIN_API_URL, 'LOGIN_API_URL', new URL(authorizationEndpoint).origin),
      clientId: env.LOGIN_CLIENT_ID || undefined,
      clientSecret: env.LOGIN_CLIENT_SECRET || undefined,
      failuresPerUsername: integer(
        env.LOGIN_FAILURES_PER_USERNAME,
        'LOGIN_FAILURES_PER_USERNAME',
        5,
        1,
        10_000,
      ),
      failureWindowSeconds: integer(
        env.LOGIN_FAILURE_WINDOW_SECONDS,
        'LOGIN_FAILURE_WINDOW_SECONDS',
        300,
        1,
        86_400,
      ),
    },
  };
}

function pairwiseSalt(v: string | undefined, registry: RegistryConfig, production: boolean) {
  if (v) {
    if (v.length < MIN_SALT_LENGTH)
      throw new ConfigError('PAIRWISE_SALT', `must be at least ${MIN_SALT_LENGTH} characters`);
    return v;
  }
  const pairwise = registry.clients.filter((c) => c.subjectType === 'pairwise');
  if (production && pairwise.length > 0)
    throw new ConfigError(
      'PAIRWISE_SALT',
      `is required when NODE_ENV=production and a client is pairwise (${pairwise
        .map((c) => c.clientId)
        .join(', ')}): without it anyone can recompute the pairwise subjects`,
    );
  return DEV_PAIRWISE_SALT;
}
