import { ConfigError } from './config.error';
import { object } from './json-fields';

type Check = (v: unknown, path: string) => void;

const text: Check = (v, path) => {
  // OIDC Core §5.3.2: a claim the user does not have is omitted, not sent empty.
  if (typeof v !== 'string' || v.length === 0)
    throw new ConfigError(path, 'must be a non-empty string (OIDC Core §5.1)');
};

const truth: Check = (v, path) => {
  if (typeof v !== 'boolean') throw new ConfigError(path, 'must be true or false (OIDC Core §5.1)');
};

const email: Check = (v, path) => {
  text(v, path);
  if (!/^[^\s@]+@[^\s@]+$/.test(v as string))
    throw new ConfigError(path, 'must be an e-mail address (RFC 5322 addr-spec, OIDC Core §5.1)');
};

const birthdate: Check = (v, path) => {
  text(v, path);
  if (!/^\d{4}(-\d{2}-\d{2})?$/.test(v as string))
    throw new ConfigError(path, 'must be YYYY-MM-DD or YYYY (ISO 8601, OIDC Core §5.1)');
};

const updatedAt: Check = (v, path) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new ConfigError(path, 'must be seconds since the epoch, a JSON number (OIDC Core §5.1)');
};

/** OIDC Core §5.1.1: the address claim is an object of these string members. */
const ADDRESS_MEMBERS = [
  'formatted',
  'street_address',
  'locality',
  'region',
  'postal_code',
  'country',
];

const address: Check = (v, path) => {
  const a = object(v, path);
  for (const [name, member] of Object.entries(a)) {
    if (!ADDRESS_MEMBERS.includes(name))
      throw new ConfigError(
        `${path}.${name}`,
        `is not an address member (OIDC Core §5.1.1: ${ADDRESS_MEMBERS.join(', ')})`,
      );
    text(member, `${path}.${name}`);
  }
};

/** OIDC Core §5.1: the standard claims and the JSON type each has. */
const STANDARD_CLAIMS: ReadonlyMap<string, Check> = new Map(
  Object.entries({
    name: text,
    given_name: text,
    family_name: text,
    middle_name: text,
    nickname: text,
    preferred_username: text,
    profile: text,
    picture: text,
    website: text,
    email,
    email_verified: truth,
    gender: text,
    birthdate,
    zoneinfo: text,
    locale: text,
    phone_number: text,
    phone_number_verified: truth,
    address,
    updated_at: updatedAt,
  }),
);

/**
 * Claims the server sets in ID tokens, access tokens and /userinfo (OIDC Core §2, RFC 9068 §2.2,
 * RFC 7519 §4.1): a user's claims may not override them.
 */
const PROTOCOL_CLAIMS = [
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'azp',
  'at_hash',
  'c_hash',
  'sid',
  'client_id',
  'scope',
  'cnf',
  'grant_id',
];

/**
 * A user's `claims` (optional): standard claims with their OIDC Core §5.1 types, and any other
 * claim of the deployment's own as any JSON value but null (§5.3.2: omit what the user lacks).
 */
export function parseUserClaims(raw: unknown, path: string): Readonly<Record<string, unknown>> {
  if (raw === undefined) return {};
  const claims = object(raw, path);
  for (const [name, value] of Object.entries(claims)) {
    const at = `${path}.${name}`;
    if (name === '') throw new ConfigError(path, 'a claim name must be non-empty');
    if (name === 'sub')
      throw new ConfigError(at, 'the subject is the user\'s "subject" (default: the username)');
    if (PROTOCOL_CLAIMS.includes(name))
      throw new ConfigError(at, 'is set by the server in each token, not by the user');
    if (value === null)
      throw new ConfigError(at, 'omit a claim the user does not have (OIDC Core §5.3.2)');
    STANDARD_CLAIMS.get(name)?.(value, at);
  }
  return claims;
}
