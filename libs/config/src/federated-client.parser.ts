import { ConfigError } from './config.error';
import type { ClientAuthMethod } from './config.types';
import { array, Json, nonEmptyString, object, unique } from './json-fields';
import type { TrustedIssuerConfig } from './trusted-issuers.parser';

/** RFC 7523 §2.1: the JWT-bearer authorization grant's `grant_type`. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * A federated identity credential (`federated_credentials[i]` of a `private_key_jwt` client):
 * a token of a trusted issuer about this subject, for this audience, authenticates the client
 * (RFC 7523 §2.2, as Microsoft's workload identity federation uses it).
 */
export interface FederatedCredentialConfig {
  readonly issuer: string;
  /**
   * The token's `sub`, compared exactly; when `subjectIsPrefix`, the part before a trailing `*`
   * (which ends in `:` or `/`), and any `sub` that starts with it matches.
   */
  readonly subject: string;
  readonly subjectIsPrefix: boolean;
  /** The token's sole `aud`; absent: our issuer identifier. */
  readonly audience?: string;
}

/** RFC 7523 §2.1: whose assertions about a user the client may exchange for our tokens. */
export interface JwtBearerSettings {
  readonly issuers: readonly string[];
}

/** Whether `sub` is what the credential names (exactly, or under its prefix). */
export function federatedSubjectMatches(credential: FederatedCredentialConfig, sub: string) {
  return credential.subjectIsPrefix
    ? sub.length > credential.subject.length && sub.startsWith(credential.subject)
    : sub === credential.subject;
}

const CREDENTIAL_FIELDS = new Set(['issuer', 'subject', 'audience']);
const JWT_BEARER_FIELDS = new Set(['issuers']);

/**
 * `federated_credentials` and `jwt_bearer` of one client (`clients[i]`), each naming only
 * issuers of `trusted_issuers`.
 */
export function parseFederationSettings(
  c: Json,
  path: string,
  authMethod: ClientAuthMethod,
  grantTypes: readonly string[],
  trusted: readonly TrustedIssuerConfig[],
): { federatedCredentials?: FederatedCredentialConfig[]; jwtBearer?: JwtBearerSettings } {
  const known = new Set(trusted.map((t) => t.issuer));
  return {
    ...{},
    ...federatedCredentials(c, path, authMethod, known),
    ...jwtBearer(c, path, authMethod, grantTypes, known),
  };
}

function federatedCredentials(
  c: Json,
  path: string,
  authMethod: ClientAuthMethod,
  trusted: ReadonlySet<string>,
): { federatedCredentials?: FederatedCredentialConfig[] } {
  if (c.federated_credentials === undefined) return {};
  const field = `${path}.federated_credentials`;
  if (authMethod !== 'private_key_jwt')
    throw new ConfigError(
      field,
      'is for clients with token_endpoint_auth_method "private_key_jwt"',
    );
  const list = array(c.federated_credentials, field).map((raw, i) =>
    credential(object(raw, `${field}[${i}]`), `${field}[${i}]`, trusted),
  );
  if (list.length === 0) throw new ConfigError(field, 'must list at least one credential');
  unique(
    list.map((f) => JSON.stringify([f.issuer, f.subject, f.subjectIsPrefix, f.audience ?? ''])),
    field,
    'credential',
  );
  return { federatedCredentials: list };
}

function credential(f: Json, path: string, trusted: ReadonlySet<string>) {
  const stray = Object.keys(f).find((k) => !CREDENTIAL_FIELDS.has(k));
  if (stray !== undefined) throw new ConfigError(`${path}.${stray}`, 'is not a known field');
  const issuer = trustedIssuer(f.issuer, `${path}.issuer`, trusted);
  const subject = nonEmptyString(f.subject, `${path}.subject`);
  const star = subject.indexOf('*');
  // Only a trailing `*` after a separator: `repo:org/app*` would also match `repo:org/app-evil`.
  if (star >= 0 && (star !== subject.length - 1 || !/[:/]\*$/.test(subject)))
    throw new ConfigError(
      `${path}.subject`,
      'may use "*" only as its last character, right after ":" or "/" (a prefix match)',
    );
  const audience =
    f.audience === undefined ? undefined : nonEmptyString(f.audience, `${path}.audience`);
  return {
    issuer,
    subject: star >= 0 ? subject.slice(0, -1) : subject,
    subjectIsPrefix: star >= 0,
    ...(audience === undefined ? {} : { audience }),
  };
}

function jwtBearer(
  c: Json,
  path: string,
  authMethod: ClientAuthMethod,
  grantTypes: readonly string[],
  trusted: ReadonlySet<string>,
): { jwtBearer?: JwtBearerSettings } {
  const field = `${path}.jwt_bearer`;
  const granted = grantTypes.indexOf(JWT_BEARER_GRANT);
  if (c.jwt_bearer === undefined) {
    if (granted >= 0)
      throw new ConfigError(field, `is required with ${JWT_BEARER_GRANT} in grant_types`);
    return {};
  }
  if (granted < 0)
    throw new ConfigError(
      field,
      `applies only to clients whose grant_types include ${JWT_BEARER_GRANT}`,
    );
  // An assertion is a bearer credential: only a client that proves itself may present one.
  if (authMethod === 'none')
    throw new ConfigError(
      `${path}.grant_types[${granted}]`,
      `a client with token_endpoint_auth_method "none" may not use ${JWT_BEARER_GRANT}`,
    );
  const j = object(c.jwt_bearer, field);
  const stray = Object.keys(j).find((k) => !JWT_BEARER_FIELDS.has(k));
  if (stray !== undefined) throw new ConfigError(`${field}.${stray}`, 'is not a known field');
  const issuers = array(j.issuers, `${field}.issuers`).map((v, i) =>
    trustedIssuer(v, `${field}.issuers[${i}]`, trusted),
  );
  if (issuers.length === 0)
    throw new ConfigError(`${field}.issuers`, 'must name at least one issuer');
  unique(issuers, `${field}.issuers`, 'issuer');
  return { jwtBearer: { issuers } };
}

/** One of `trusted_issuers`, by its exact identifier. */
export function trustedIssuer(v: unknown, path: string, trusted: ReadonlySet<string>): string {
  const issuer = nonEmptyString(v, path);
  if (!trusted.has(issuer)) throw new ConfigError(path, 'names no issuer of "trusted_issuers"');
  return issuer;
}
