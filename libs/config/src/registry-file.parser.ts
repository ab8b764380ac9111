import { parseAdminFlag } from './admin-client.parser';
import { ConfigError } from './config.error';
import {
  AUTH_METHODS,
  ClientAuthMethod,
  ClientConfig,
  ClientSecret,
  OPENID_SCOPES,
  RegistryConfig,
  ResourceConfig,
  SIGNING_ALGS,
  SigningAlg,
  TOKEN_FORMATS,
  AccessTokenFormat,
} from './config.types';
import {
  absoluteUrl,
  array,
  flag,
  Json,
  nonEmptyString,
  object,
  oneOf,
  unique,
} from './json-fields';
import { isLoopbackHost } from './loopback-host';
import { plainTextRefused, scryptHash } from './secret-fields';
import { openIdScopes, parseSignInSettings } from './sign-in-client.parser';
import { parseRefreshTokenSettings } from './refresh-token-client.parser';
import { parseTokenExchangePolicy } from './token-exchange-client.parser';
import { parseTlsClientSettings } from './tls-client.parser';
import { parseUsers } from './users.parser';
import { parseClientRateLimit } from './rate-limit.config';
import { parseTrustedIssuers, TrustedIssuerConfig } from './trusted-issuers.parser';
import { parseFederationSettings } from './federated-client.parser';

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 §3.3 scope-token
const DEFAULT_TTL = 3600;

export interface RegistryFileOptions {
  /**
   * Plain-text `client_secret` and user `password` values are for development; production
   * takes only hashes.
   */
  readonly plainSecrets?: boolean;
  /** Development only: a client's `jwks_uri` may be `http` on a loopback host. */
  readonly allowLoopbackHttpJwksUri?: boolean;
}

/** What a client document is validated against: the resources and trusted issuers it may name. */
export interface ClientDocumentContext {
  readonly resources: readonly ResourceConfig[];
  readonly trustedIssuers: readonly TrustedIssuerConfig[];
}

/**
 * Validates the clients, resources and users file; every error names the JSON path of the bad
 * field and never quotes a secret, a password or a hash. The documents come back beside the
 * parsed entries (`clientDocuments`, `resourceDocuments`, in the same order), so that the
 * registry can show and re-validate them as written.
 */
export function parseRegistryFile(raw: unknown, options: RegistryFileOptions = {}): RegistryConfig {
  const root = object(raw, '$');
  const trustedIssuers = parseTrustedIssuers(root.trusted_issuers, {
    allowLoopbackHttp: options.allowLoopbackHttpJwksUri,
  });
  const resourceDocuments = array(root.resources, 'resources').map((r, i) =>
    object(r, `resources[${i}]`),
  );
  const resources = resourceDocuments.map((r, i) => parseResourceDocument(r, `resources[${i}]`));
  unique(
    resources.map((r) => r.identifier),
    'resources',
    'identifier',
  );
  const clientDocuments = array(root.clients, 'clients').map((c, i) => object(c, `clients[${i}]`));
  const clients = clientDocuments.map((c, i) =>
    parseClientDocument(c, `clients[${i}]`, { resources, trustedIssuers }, options),
  );
  unique(
    clients.map((c) => c.clientId),
    'clients',
    'client_id',
  );
  const users = parseUsers(root.users, { plainPasswords: options.plainSecrets ?? true });
  return { resources, clients, users, trustedIssuers, clientDocuments, resourceDocuments };
}

/** One resource document (an entry of `resources`), as the file and the registry's writer take it. */
export function parseResourceDocument(raw: unknown, path: string): ResourceConfig {
  const r = object(raw, path);
  const identifier = absoluteUrl(r.identifier, `${path}.identifier`);
  const scopes = scopeList(r.scopes, `${path}.scopes`);
  const reserved = scopes.findIndex((s) => OPENID_SCOPES.includes(s));
  if (reserved >= 0)
    throw new ConfigError(
      `${path}.scopes[${reserved}]`,
      'is an OpenID Connect scope, defined by the authorization service itself (OIDC Core §5.4)',
    );
  const ttl = r.access_token_ttl ?? DEFAULT_TTL;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > 86400)
    throw new ConfigError(`${path}.access_token_ttl`, 'must be an integer from 1 to 86400 seconds');
  return {
    identifier,
    scopes,
    accessTokenFormat: oneOf<AccessTokenFormat>(
      r.access_token_format ?? 'jwt',
      TOKEN_FORMATS,
      `${path}.access_token_format`,
    ),
    accessTokenTtl: ttl,
    signingAlg: oneOf<SigningAlg>(r.signing_alg ?? 'ES256', SIGNING_ALGS, `${path}.signing_alg`),
  };
}

/**
 * One client document (an entry of `clients`), validated against the resources and trusted
 * issuers it may name: the file's, or the registry's current ones for a change made at run time.
 */
export function parseClientDocument(
  raw: unknown,
  path: string,
  context: ClientDocumentContext,
  options: RegistryFileOptions,
): ClientConfig {
  const { resources, trustedIssuers } = context;
  const c = object(raw, path);
  const clientId = nonEmptyString(c.client_id, `${path}.client_id`);
  const authMethod = oneOf<ClientAuthMethod>(
    c.token_endpoint_auth_method ?? 'client_secret_basic',
    AUTH_METHODS,
    `${path}.token_endpoint_auth_method`,
  );
  const grantTypes = array(c.grant_types ?? [], `${path}.grant_types`).map((g, i) =>
    nonEmptyString(g, `${path}.grant_types[${i}]`),
  );
  const scopes = c.scope === undefined ? [] : scopeString(c.scope, `${path}.scope`);
  const known = new Map(resources.map((r) => [r.identifier, r]));
  const clientResources = resourceRefs(c.resources, `${path}.resources`, known);
  const introspects = resourceRefs(c.introspects, `${path}.introspects`, known);
  const offered = new Set(clientResources.flatMap((id) => known.get(id)?.scopes ?? []));
  const openId = openIdScopes(scopes, grantTypes, `${path}.scope`);
  const stray = scopes.find((s) => !offered.has(s) && !openId.has(s));
  if (stray !== undefined)
    throw new ConfigError(
      `${path}.scope`,
      `"${stray}" is defined by none of the client's resources`,
    );
  const base = {
    clientId,
    authMethod,
    grantTypes,
    scopes,
    resources: clientResources,
    introspects,
    admin: parseAdminFlag(c, path, authMethod),
    dpopBoundAccessTokens: flag(c.dpop_bound_access_tokens, `${path}.dpop_bound_access_tokens`),
    ...optionalRateLimit(c.rate_limit, `${path}.rate_limit`),
    ...parseSignInSettings(c, path, grantTypes, authMethod),
    refreshToken: parseRefreshTokenSettings(c, path, grantTypes),
    ...parseTlsClientSettings(c, path, authMethod),
    ...parseTokenExchangePolicy(c, path, grantTypes, authMethod, resources, trustedIssuers),
    ...parseFederationSettings(c, path, authMethod, grantTypes, trustedIssuers),
  };
  if (authMethod === 'none') return checkPublic(c, path, base);
  // RFC 8705 §2.1: the CA and the registered name vouch for the client; nothing else to hold.
  if (authMethod === 'tls_client_auth') return refuseCredentials(c, path, base);
  return authMethod === 'private_key_jwt' || authMethod === 'self_signed_tls_client_auth'
    ? { ...{}, ...base, ...parseKeys(c, path, options, authMethod, base.federatedCredentials) }
    : { ...{}, ...base, secret: parseSecret(c, path, options.plainSecrets ?? true) };
}

/**
 * A public client (RFC 6749 §2.1) has no credentials to register, and may not use
 * client_credentials, which is for confidential clients only (RFC 6749 §4.4).
 */
function checkPublic(c: Json, path: string, client: ClientConfig): ClientConfig {
  refuseCredentials(c, path, client);
  const i = client.grantTypes.indexOf('client_credentials');
  if (i >= 0)
    throw new ConfigError(
      `${path}.grant_types[${i}]`,
      'a client with token_endpoint_auth_method "none" may not use client_credentials ' +
        '(RFC 6749 §4.4: confidential clients only)',
    );
  return client;
}

/** A client whose method registers no secret and no keys (`none`, `tls_client_auth`). */
function refuseCredentials(c: Json, path: string, client: ClientConfig): ClientConfig {
  for (const field of ['client_secret', 'client_secret_hash', 'jwks', 'jwks_uri'])
    if (c[field] !== undefined)
      throw new ConfigError(
        `${path}.${field}`,
        `a client with token_endpoint_auth_method "${client.authMethod}" has no ${
          client.authMethod === 'none' ? 'credentials' : 'secret or keys'
        }`,
      );
  return client;
}

/** Identifiers of resources defined in the same file (`resources`, `introspects`). */
function resourceRefs(
  v: unknown,
  path: string,
  known: ReadonlyMap<string, ResourceConfig>,
): string[] {
  return array(v ?? [], path).map((id, i) => {
    if (typeof id !== 'string' || !known.has(id))
      throw new ConfigError(`${path}[${i}]`, 'names no resource defined in "resources"');
    return id;
  });
}

function parseSecret(c: Json, path: string, plainSecrets: boolean): ClientSecret {
  if (c.client_secret !== undefined && c.client_secret_hash !== undefined)
    throw new ConfigError(path, 'give client_secret or client_secret_hash, not both');
  if (c.client_secret_hash !== undefined)
    return { kind: 'hash', value: scryptHash(c.client_secret_hash, `${path}.client_secret_hash`) };
  if (!plainSecrets && c.client_secret !== undefined)
    throw plainTextRefused(`${path}.client_secret`, 'secrets', 'client_secret_hash');
  const value = nonEmptyString(c.client_secret, `${path}.client_secret`);
  if (value.length < 16)
    throw new ConfigError(`${path}.client_secret`, 'must be at least 16 characters');
  return { kind: 'plain', value };
}

function parseKeys(
  c: Json,
  path: string,
  options: RegistryFileOptions,
  authMethod: ClientAuthMethod,
  federated: ClientConfig['federatedCredentials'],
): Pick<ClientConfig, 'jwks' | 'jwksUri'> {
  // RFC 8705 §2.2.2: the keys are compared with the certificate of the connection, here and
  // now: a key set fetched from jwks_uri is not supported for it.
  if (authMethod === 'self_signed_tls_client_auth' && c.jwks === undefined)
    throw new ConfigError(
      `${path}.jwks`,
      'self_signed_tls_client_auth needs jwks (its public keys)',
    );
  if (c.jwks !== undefined && c.jwks_uri !== undefined)
    throw new ConfigError(path, `${authMethod} needs exactly one of jwks or jwks_uri`);
  // A client with federated credentials may have no keys of its own (RFC 7523 §2.2: the
  // external issuer signs its assertions).
  if (c.jwks === undefined && c.jwks_uri === undefined) {
    if (federated !== undefined) return {};
    throw new ConfigError(
      path,
      authMethod === 'private_key_jwt'
        ? 'private_key_jwt needs exactly one of jwks or jwks_uri, or federated_credentials'
        : `${authMethod} needs exactly one of jwks or jwks_uri`,
    );
  }
  if (c.jwks_uri !== undefined)
    return { jwksUri: jwksUri(c.jwks_uri, `${path}.jwks_uri`, options) };
  const jwks = object(c.jwks, `${path}.jwks`);
  const keys = array(jwks.keys, `${path}.jwks.keys`).map((k, i) => {
    const key = object(k, `${path}.jwks.keys[${i}]`);
    if ('d' in key) throw new ConfigError(`${path}.jwks.keys[${i}]`, 'must be a public key');
    return key;
  });
  return { jwks: { keys } };
}

/** Keys that authenticate a client come over TLS; plain http only to this machine, in development. */
function jwksUri(v: unknown, path: string, options: RegistryFileOptions): string {
  const s = absoluteUrl(v, path);
  const url = new URL(s);
  if (url.protocol === 'https:') return s;
  const loopback = options.allowLoopbackHttpJwksUri === true;
  if (loopback && url.protocol === 'http:' && isLoopbackHost(url.hostname)) return s;
  throw new ConfigError(
    path,
    loopback ? 'must be an https URL (or http on a loopback host)' : 'must be an https URL',
  );
}

function scopeList(v: unknown, path: string): string[] {
  return array(v, path).map((s, i) => {
    if (typeof s !== 'string' || !SCOPE_TOKEN.test(s))
      throw new ConfigError(`${path}[${i}]`, 'must be a scope token (RFC 6749 §3.3)');
    return s;
  });
}

function scopeString(v: unknown, path: string): string[] {
  if (typeof v !== 'string') throw new ConfigError(path, 'must be a space-delimited string');
  return scopeList(v.split(' ').filter(Boolean), path);
}

/** Only a client that registers its own limits carries the field. */
function optionalRateLimit(v: unknown, path: string): Pick<ClientConfig, 'rateLimit'> {
  const rateLimit = parseClientRateLimit(v, path);
  return rateLimit ? { rateLimit } : {};
}
