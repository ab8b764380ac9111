import { ConfigError } from './config.error';
import { UserConfig, UserPassword } from './config.types';
import { array, Json, nonEmptyString, object } from './json-fields';
import { plainTextRefused, scryptHash } from './secret-fields';
import { parseUserClaims } from './user-claims.parser';

/**
 * A login name people type and the login app puts in forms, URLs and throttle keys: ASCII
 * letters, digits and `. _ @ + -` (an e-mail address fits), so that no two names look alike
 * through Unicode confusables or normalisation, and nothing needs escaping.
 */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
/**
 * OIDC Core §2: `sub` is at most 255 ASCII characters; printable, so it survives every header.
 * The login/consent API holds the subjects a login app sends to the same rule.
 */
export const SUBJECT_SYNTAX = /^[\x21-\x7e]{1,255}$/;
/**
 * NIST SP 800-63B-4 §3.1.1.2: a password that is the only factor has at least 15 characters
 * (counted as code points). Plain passwords are for development, where this keeps the examples
 * honest about what a real one needs.
 */
const MIN_PASSWORD_LENGTH = 15;

export interface UsersOptions {
  /** Plain-text `password` values are for development; production takes only hashes. */
  readonly plainPasswords: boolean;
}

/**
 * `users` of CONFIG_FILE (optional): the accounts of the reference login app. Errors name the
 * JSON path and never quote a password, a hash or a claim value.
 */
export function parseUsers(raw: unknown, options: UsersOptions): UserConfig[] {
  if (raw === undefined) return [];
  const users = array(raw, 'users').map((u, i) => parseUser(u, `users[${i}]`, options));
  // Names differing only in case would let one user be taken for the other at the login form.
  uniqueAmong(users, (u) => u.username.toLowerCase(), 'username');
  uniqueAmong(users, (u) => u.subject, 'subject');
  return users;
}

function parseUser(raw: unknown, path: string, options: UsersOptions): UserConfig {
  const u = object(raw, path);
  const username = nonEmptyString(u.username, `${path}.username`);
  if (!USERNAME.test(username))
    throw new ConfigError(
      `${path}.username`,
      'must be 1 to 128 ASCII letters, digits and . _ @ + - (starting with a letter or digit)',
    );
  return {
    username,
    subject: u.subject === undefined ? username : subject(u.subject, `${path}.subject`),
    password: password(u, path, options),
    claims: parseUserClaims(u.claims, `${path}.claims`),
  };
}

function subject(v: unknown, path: string): string {
  if (typeof v !== 'string' || !SUBJECT_SYNTAX.test(v))
    throw new ConfigError(path, 'must be 1 to 255 printable ASCII characters (OIDC Core §2)');
  return v;
}

function password(u: Json, path: string, options: UsersOptions): UserPassword {
  if ((u.password === undefined) === (u.password_hash === undefined))
    throw new ConfigError(path, 'give exactly one of password or password_hash');
  if (u.password_hash !== undefined)
    return { kind: 'hash', value: scryptHash(u.password_hash, `${path}.password_hash`) };
  if (!options.plainPasswords)
    throw plainTextRefused(`${path}.password`, 'passwords', 'password_hash');
  const value = nonEmptyString(u.password, `${path}.password`);
  if ([...value].length < MIN_PASSWORD_LENGTH)
    throw new ConfigError(
      `${path}.password`,
      `must be at least ${MIN_PASSWORD_LENGTH} characters (NIST SP 800-63B-4 §3.1.1.2)`,
    );
  return { kind: 'plain', value };
}

function uniqueAmong(
  users: readonly UserConfig[],
  key: (u: UserConfig) => string,
  field: string,
): void {
  const seen = new Set<string>();
  users.forEach((u, i) => {
    const k = key(u);
    if (seen.has(k))
      throw new ConfigError(`users[${i}].${field}`, `repeats the ${field} of an earlier user`);
    seen.add(k);
  });
}
