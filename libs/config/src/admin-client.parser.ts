import { ConfigError } from './config.error';
import type { ClientAuthMethod } from './config.types';
import { flag, Json } from './json-fields';

/**
 * How an `admin` client authenticates to the admin API (RFC 6749 §2.3.1). Its requests carry
 * JSON bodies or none (GET, DELETE): the form parameters of `client_secret_post` and of RFC 7523
 * assertions (`client_assertion`) have nowhere to ride, so HTTP Basic is the one method.
 */
export const ADMIN_AUTH_METHOD: ClientAuthMethod = 'client_secret_basic';

/**
 * `admin` (default false): the client may call the admin API (bulk revocation, grant listing
 * and withdrawal), so it must prove who it is the one way that API takes.
 */
export function parseAdminFlag(c: Json, path: string, authMethod: ClientAuthMethod): boolean {
  const admin = flag(c.admin, `${path}.admin`);
  if (admin && authMethod !== ADMIN_AUTH_METHOD)
    throw new ConfigError(
      `${path}.admin`,
      `an admin client must be a confidential client of token_endpoint_auth_method ` +
        `${ADMIN_AUTH_METHOD}: the admin API takes HTTP Basic only`,
    );
  return admin;
}
