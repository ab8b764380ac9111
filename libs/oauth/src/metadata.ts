import {
  AppConfig,
  ID_TOKEN_SIGNING_ALGS,
  OPENID_SCOPES,
  ResourceConfig,
  SUBJECT_TYPES,
} from '@app/config';
import { ASSERTION_ALGS, DPOP_SIGNING_ALGS, STANDARD_CLAIMS } from '@app/tokens';
import {
  certificatesReach,
  ENDPOINT_AUTH_METHODS,
  offeredAuthMethods,
} from './client-authentication/endpoint-auth-methods';

/**
 * Claims an ID token may carry besides the end-user's (OIDC Core §2): `claims_supported` lists
 * them with `sub` and the standard claims the scopes release (§5.4).
 */
const ID_TOKEN_CLAIMS = [
  'iss',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'azp',
  'sid',
];

/**
 * RFC 8414 §2 authorization server metadata, which is also the OpenID Provider metadata (OpenID
 * Connect Discovery 1.0 §3): one document served at both well-known paths, built from the
 * registry as it is now (its scopes follow the resources registered at run time).
 */
export function buildMetadata(
  config: AppConfig,
  /** The resources registered now: `scopes_supported` lists their scopes. */
  resources: readonly ResourceConfig[],
  /** The grant types the token endpoint implements (RFC 8414 §2: only what it supports). */
  grantTypes: readonly string[],
  /** The algorithms the issuer holds a signing key for. */
  signingAlgs: readonly string[],
): Record<string, unknown> {
  const scopes = new Set([...OPENID_SCOPES, ...resources.flatMap((r) => r.scopes)]);
  const algs = [...ASSERTION_ALGS];
  const { endpoints } = config;
  return {
    issuer: config.issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    userinfo_endpoint: endpoints.userinfo,
    jwks_uri: endpoints.jwks,
    end_session_endpoint: endpoints.endSession,
    pushed_authorization_request_endpoint: endpoints.par,
    introspection_endpoint: endpoints.introspection,
    revocation_endpoint: endpoints.revocation,
    // RFC 7591 §3 / RFC 8414 §2: dynamic client registration (initial access token or open).
    registration_endpoint: endpoints.registration,
    scopes_supported: [...scopes],
    // RFC 9700 §2.1.2: the code flow only, no implicit or hybrid response.
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    grant_types_supported: [...grantTypes],
    // RFC 7636 §4.2 and RFC 9700 §2.1.1: PKCE with S256 for every client, never plain.
    code_challenge_methods_supported: ['S256'],
    // RFC 9207 §3: `iss` on every authorization response, errors included.
    authorization_response_iss_parameter_supported: true,
    // RFC 9126 §5: PAR is offered; clients registered with require_pushed_authorization_requests
    // must use it (their registration says so, not this global flag).
    require_pushed_authorization_requests: false,
    subject_types_supported: [...SUBJECT_TYPES],
    id_token_signing_alg_values_supported: ID_TOKEN_SIGNING_ALGS.filter((a) =>
      signingAlgs.includes(a),
    ),
    claims_supported: ['sub', ...ID_TOKEN_CLAIMS, ...STANDARD_CLAIMS],
    // Requests by value or by a client's own request_uri (OIDC Core §6) are not supported; a
    // request_uri from PAR is (RFC 9126 §4), which these flags do not cover.
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
    // Each endpoint its own list: `none` (public clients) at the token and revocation endpoints
    // only, as ENDPOINT_AUTH_METHODS decides.
    token_endpoint_auth_methods_supported: offeredAuthMethods(ENDPOINT_AUTH_METHODS.token, config),
    token_endpoint_auth_signing_alg_values_supported: algs,
    introspection_endpoint_auth_methods_supported: offeredAuthMethods(
      ENDPOINT_AUTH_METHODS.introspection,
      config,
    ),
    introspection_endpoint_auth_signing_alg_values_supported: algs,
    revocation_endpoint_auth_methods_supported: offeredAuthMethods(
      ENDPOINT_AUTH_METHODS.revocation,
      config,
    ),
    revocation_endpoint_auth_signing_alg_values_supported: algs,
    // RFC 9449 §5.1: the token endpoint binds tokens to DPoP proofs signed with these.
    dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS],
    ...mtlsMetadata(config),
  };
}

/**
 * RFC 8705 §3.3: certificate-bound access tokens are issued (to the clients registered for
 * them) when certificates can reach the services (omitted means false); §5: when clients
 * present certificates on other host names (MTLS_ENDPOINT_BASE_URL), those endpoints are
 * advertised as `mtls_endpoint_aliases`.
 */
function mtlsMetadata(config: AppConfig): Record<string, unknown> {
  if (!certificatesReach(config)) return {};
  const aliases = config.mtls.endpointAliases;
  return {
    tls_client_certificate_bound_access_tokens: true,
    ...(aliases ? { mtls_endpoint_aliases: { ...aliases } } : {}),
  };
}
