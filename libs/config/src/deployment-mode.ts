import { ConfigError } from './config.error';
import { EndpointUrls, RegistryConfig } from './config.types';

type Env = Readonly<Record<string, string | undefined>>;

/** The example configuration shipped with the repository; its secrets are public. */
export const DEV_CONFIG_FILE = 'config/dev.json';

/** NODE_ENV=production turns every development convenience into a refusal to start. */
export function isProduction(env: Env): boolean {
  return env.NODE_ENV === 'production';
}

/** What a production process must be given explicitly, checked before anything is read. */
export function requireProductionSettings(env: Env): void {
  const required: Array<[string, string]> = [
    [
      'CONFIG_FILE',
      `without it the public example ${DEV_CONFIG_FILE} loads, whose secrets are published`,
    ],
    [
      'KEYS_FILE',
      'without it signing keys are generated at start: they die with the process and differ between replicas',
    ],
    ['ISSUER', 'without it tokens name http://localhost as their issuer'],
  ];
  for (const [name, why] of required)
    if (!env[name]) throw new ConfigError(name, `is required when NODE_ENV=production: ${why}`);
}

const ENDPOINT_VARIABLES: Record<keyof EndpointUrls, string> = {
  token: 'TOKEN_ENDPOINT',
  jwks: 'JWKS_URI',
  introspection: 'INTROSPECTION_ENDPOINT',
  revocation: 'REVOCATION_ENDPOINT',
  authorization: 'AUTHORIZATION_ENDPOINT',
  par: 'PAR_ENDPOINT',
  userinfo: 'USERINFO_ENDPOINT',
  endSession: 'END_SESSION_ENDPOINT',
  registration: 'REGISTRATION_ENDPOINT',
};

/**
 * RFC 8414 §2: the issuer is an https URL; RFC 6749 §2.3.1 and §3.2: client credentials travel
 * only over TLS. Advertising an http endpoint would send every client's secret in the clear.
 */
export function requireHttpsEndpoints(issuer: string, endpoints: EndpointUrls): void {
  if (!issuer.startsWith('https://'))
    throw new ConfigError('ISSUER', 'must be an https URL when NODE_ENV=production');
  for (const [key, url] of Object.entries(endpoints) as Array<[keyof EndpointUrls, string]>)
    if (!url.startsWith('https://'))
      throw new ConfigError(
        ENDPOINT_VARIABLES[key],
        'must be an https URL when NODE_ENV=production',
      );
}

/** What a development process loaded that production would refuse: logged loudly at start. */
export function developmentWarnings(env: Env, registry: RegistryConfig): string[] {
  const warnings: string[] = [];
  if (!env.CONFIG_FILE)
    warnings.push(
      `CONFIG_FILE is unset: loaded the public example ${DEV_CONFIG_FILE}, whose client secrets ` +
        '(and the private key of its private_key_jwt client) are published. For development only; ' +
        'NODE_ENV=production refuses to start without CONFIG_FILE.',
    );
  const plain = registry.clients.filter((c) => c.secret?.kind === 'plain').map((c) => c.clientId);
  if (plain.length > 0)
    warnings.push(
      `plain-text client_secret for ${plain.join(', ')}: NODE_ENV=production refuses these; ` +
        'give client_secret_hash instead (npm run hash-secret).',
    );
  const plainUsers = registry.users
    .filter((u) => u.password.kind === 'plain')
    .map((u) => u.username);
  if (plainUsers.length > 0)
    warnings.push(
      `plain-text password for users ${plainUsers.join(', ')}: NODE_ENV=production refuses ` +
        'these; give password_hash instead (npm run hash-secret).',
    );
  if (!env.PAIRWISE_SALT && registry.clients.some((c) => c.subjectType === 'pairwise'))
    warnings.push(
      'PAIRWISE_SALT is unset: pairwise subjects use the public development salt, so anyone can ' +
        'recompute them; NODE_ENV=production refuses to start without it.',
    );
  if (!env.KEYS_FILE)
    warnings.push(
      'KEYS_FILE is unset: signing keys were generated at start and are for development only: ' +
        'tokens die with this process. Set KEYS_FILE to a JWK set with private keys for anything ' +
        'else; NODE_ENV=production refuses to start without it.',
    );
  return warnings;
}
