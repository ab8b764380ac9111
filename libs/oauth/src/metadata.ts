import { AppConfig } from '@app/config';
import { ASSERTION_ALGS } from '@app/tokens';
import { ENDPOINT_AUTH_METHODS } from './client-authentication/endpoint-auth-methods';

/** RFC 8414 §2 authorization server metadata, built once at start. */
export function buildMetadata(
  config: AppConfig,
  /** The grant types the token endpoint implements (RFC 8414 §2: only what it supports). */
  grantTypes: readonly string[],
): Record<string, unknown> {
  const scopes = new Set(config.registry.resources.flatMap((r) => r.scopes));
  const algs = [...ASSERTION_ALGS];
  return {
    issuer: config.issuer,
    token_endpoint: config.endpoints.token,
    jwks_uri: config.endpoints.jwks,
    introspection_endpoint: config.endpoints.introspection,
    revocation_endpoint: config.endpoints.revocation,
    grant_types_supported: [...grantTypes],
    response_types_supported: [],
    // Each endpoint its own list: `none` (public clients) at the token and revocation endpoints
    // only, as ENDPOINT_AUTH_METHODS decides.
    token_endpoint_auth_methods_supported: [...ENDPOINT_AUTH_METHODS.token],
    token_endpoint_auth_signing_alg_values_supported: algs,
    introspection_endpoint_auth_methods_supported: [...ENDPOINT_AUTH_METHODS.introspection],
    introspection_endpoint_auth_signing_alg_values_supported: algs,
    revocation_endpoint_auth_methods_supported: [...ENDPOINT_AUTH_METHODS.revocation],
    revocation_endpoint_auth_signing_alg_values_supported: algs,
    scopes_supported: [...scopes],
  };
}
