import { ConfigError } from './config.error';
import { nonEmptyString } from './json-fields';

/**
 * Client secrets and user passwords at rest: what `npm run hash-secret` prints and
 * libs/registry/src/secret-hash.ts verifies (scrypt parameters, base64url salt and key).
 */
const SCRYPT_HASH = /^\$scrypt\$ln=\d+,r=\d+,p=\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/;

/** A `client_secret_hash` or `password_hash`; the message never quotes the value. */
export function scryptHash(v: unknown, path: string): string {
  const value = nonEmptyString(v, path);
  if (!SCRYPT_HASH.test(value))
    throw new ConfigError(
      path,
      'must be "$scrypt$ln=N,r=R,p=P$salt$hash" (make one with `npm run hash-secret`)',
    );
  return value;
}

/** NODE_ENV=production takes only hashes: the refusal names the field that holds one. */
export function plainTextRefused(path: string, what: string, hashField: string): ConfigError {
  return new ConfigError(
    path,
    `plain-text ${what} are refused when NODE_ENV=production: give ${hashField} ` +
      '(make one with `npm run hash-secret`)',
  );
}
