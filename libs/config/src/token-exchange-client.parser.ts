import { ConfigError } from './config.error';
import type { ClientAuthMethod, ResourceConfig } from './config.types';
import { trustedIssuer } from './federated-client.parser';
import { array, flag, Json, object, unique } from './json-fields';
import type { TrustedIssuerConfig } from './trusted-issuers.parser';

/** RFC 8693 §2.1 `grant_type` of the token exchange. */
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/**
 * `token_exchange` of one client: which resources it may exchange tokens into (`audiences`, RFC
 * 8693 §2.1 `resource`/`audience`), and how the token it gets may represent the subject
 * (RFC 8693 §1.1): naming the client's actor in `act` (`delegation`) or standing for the subject
 * alone (`impersonation`); and which trusted external issuers' JWTs it may present as subject
 * tokens (`subject_issuers`, each one of `trusted_issuers`).
 */
export interface TokenExchangePolicy {
  readonly audiences: readonly string[];
  readonly delegation: boolean;
  readonly impersonation: boolean;
  /** Absent: only this issuer's own access tokens are exchanged. */
  readonly subjectIssuers?: readonly string[];
}

const FIELDS = ['audiences', 'delegation', 'impersonation', 'subject_issuers'];

/**
 * The policy of `clients[i]`: present exactly when its `grant_types` include the token-exchange
 * URN (one without the other is a mistake, never a client that silently cannot exchange), for
 * confidential clients only (the grant authenticates the party that becomes the actor).
 */
export function parseTokenExchangePolicy(
  c: Json,
  path: string,
  grantTypes: readonly string[],
  authMethod: ClientAuthMethod,
  resources: readonly ResourceConfig[],
  trusted: readonly TrustedIssuerConfig[],
): { tokenExchange?: TokenExchangePolicy } {
  const i = grantTypes.indexOf(TOKEN_EXCHANGE);
  if (i < 0) {
    if (c.token_exchange !== undefined)
      throw new ConfigError(
        `${path}.token_exchange`,
        `applies only to clients whose grant_types include ${TOKEN_EXCHANGE}`,
      );
    return {};
  }
  if (authMethod === 'none')
    throw new ConfigError(
      `${path}.grant_types[${i}]`,
      `a client with token_endpoint_auth_method "none" may not use ${TOKEN_EXCHANGE} ` +
        '(the exchanging client is authenticated: confidential clients only)',
    );
  if (c.token_exchange === undefined)
    throw new ConfigError(
      `${path}.token_exchange`,
      `is required when grant_types include ${TOKEN_EXCHANGE} ` +
        '(audiences, delegation, impersonation)',
    );
  return {
    tokenExchange: parsePolicy(c.token_exchange, `${path}.token_exchange`, resources, trusted),
  };
}

function parsePolicy(
  raw: unknown,
  path: string,
  resources: readonly ResourceConfig[],
  trusted: readonly TrustedIssuerConfig[],
): TokenExchangePolicy {
  const p = object(raw, path);
  const stray = Object.keys(p).find((k) => !FIELDS.includes(k));
  if (stray !== undefined)
    throw new ConfigError(`${path}`, `has an unknown field (known: ${FIELDS.join(', ')})`);
  const known = new Set(resources.map((r) => r.identifier));
  const audiences = array(p.audiences, `${path}.audiences`).map((a, i) => {
    if (typeof a !== 'string' || !known.has(a))
      throw new ConfigError(`${path}.audiences[${i}]`, 'names no resource defined in "resources"');
    return a;
  });
  if (audiences.length === 0)
    throw new ConfigError(`${path}.audiences`, 'must name at least one resource');
  unique(audiences, `${path}.audiences`, 'audience');
  const delegation = flag(p.delegation, `${path}.delegation`);
  const impersonation = flag(p.impersonation, `${path}.impersonation`);
  if (!delegation && !impersonation)
    throw new ConfigError(path, 'allows neither delegation nor impersonation: set one to true');
  return {
    audiences,
    delegation,
    impersonation,
    ...subjectIssuers(p.subject_issuers, path, trusted),
  };
}

/** Each a trusted issuer; present, at least one (an empty list would be a silent no). */
function subjectIssuers(
  raw: unknown,
  path: string,
  trusted: readonly TrustedIssuerConfig[],
): { subjectIssuers?: string[] } {
  if (raw === undefined) return {};
  const field = `${path}.subject_issuers`;
  const known = new Set(trusted.map((t) => t.issuer));
  const issuers = array(raw, field).map((v, i) => trustedIssuer(v, `${field}[${i}]`, known));
  if (issuers.length === 0)
    throw new ConfigError(field, 'must name at least one issuer (omit it to accept none)');
  unique(issuers, field, 'issuer');
  return { subjectIssuers: issuers };
}
