import { AppConfig, ConfigError } from '@app/config';

/** The `login_provider` client the login app authenticates as (HTTP Basic, RFC 6749 §2.3.1). */
export interface LoginApiCredentials {
  readonly clientId: string;
  readonly secret: string;
}

/**
 * LOGIN_CLIENT_ID and LOGIN_CLIENT_SECRET; a LOGIN_CLIENT_ID alone takes its plain secret from
 * CONFIG_FILE; neither: the first `login_provider` client of CONFIG_FILE with a plain
 * (development) secret. Undefined when none of these gives credentials.
 */
export function loginApiCredentials(config: AppConfig): LoginApiCredentials | undefined {
  const { clientId, clientSecret } = config.signIn.loginApp;
  if (clientId !== undefined && clientSecret !== undefined)
    return { clientId, secret: clientSecret };
  if (clientSecret !== undefined)
    throw new ConfigError('LOGIN_CLIENT_ID', 'is required when LOGIN_CLIENT_SECRET is set');
  const client = config.registry.clients.find(
    (c) =>
      c.loginProvider &&
      c.secret?.kind === 'plain' &&
      (clientId === undefined || c.clientId === clientId),
  );
  if (client) return { clientId: client.clientId, secret: client.secret!.value };
  if (clientId !== undefined)
    throw new ConfigError(
      'LOGIN_CLIENT_SECRET',
      `is required: CONFIG_FILE has no login_provider client ${clientId} with a plain secret`,
    );
  return undefined;
}

/** As loginApiCredentials, for a login app that must call the API over HTTP: fails at start. */
export function requireLoginApiCredentials(config: AppConfig): LoginApiCredentials {
  const credentials = loginApiCredentials(config);
  if (credentials) return credentials;
  throw new ConfigError(
    'LOGIN_CLIENT_ID',
    'the login app calls the login/consent API over HTTP (LOGIN_API_URL) and needs the ' +
      'credentials of a login_provider client: set LOGIN_CLIENT_ID and LOGIN_CLIENT_SECRET, or ' +
      'give a login_provider client a plain client_secret in CONFIG_FILE (development only)',
  );
}
