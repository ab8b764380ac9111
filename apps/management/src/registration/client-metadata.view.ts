import type { ClientConfig } from '@app/config';
import { CODE_RESPONSE_TYPE } from './client-metadata.fields';

/**
 * A registered client's metadata as RFC 7591 §3.2.1 and RFC 7592 §3 return it: every value in
 * effect, defaults included (the client learns what the server chose), by the names it was
 * registered with. Never a secret or a hash: those are shown once, by the caller.
 */
export function clientMetadataOf(client: ClientConfig): Record<string, unknown> {
  const code = client.grantTypes.includes('authorization_code');
  const refresh = client.grantTypes.includes('refresh_token');
  return {
    client_id: client.clientId,
    token_endpoint_auth_method: client.authMethod,
    grant_types: [...client.grantTypes],
    response_types: code ? [CODE_RESPONSE_TYPE] : [],
    ...(client.scopes.length > 0 ? { scope: client.scopes.join(' ') } : {}),
    resources: [...client.resources],
    ...(code
      ? {
          redirect_uris: [...client.redirectUris],
          post_logout_redirect_uris: [...client.postLogoutRedirectUris],
          id_token_signed_response_alg: client.idTokenSignedResponseAlg,
          subject_type: client.subjectType,
          require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
        }
      : {}),
    dpop_bound_access_tokens: client.dpopBoundAccessTokens === true,
    tls_client_certificate_bound_access_tokens:
      client.tlsClientCertificateBoundAccessTokens === true,
    ...(client.tlsClientAuth ? { [client.tlsClientAuth.field]: client.tlsClientAuth.value } : {}),
    ...(client.jwks ? { jwks: client.jwks } : {}),
    ...(client.jwksUri ? { jwks_uri: client.jwksUri } : {}),
    ...(refresh
      ? {
          refresh_token_ttl: client.refreshToken.ttl,
          refresh_token_idle_ttl: client.refreshToken.idleTtl,
          refresh_token_reuse_grace_seconds: client.refreshToken.reuseGraceSeconds,
        }
      : {}),
  };
}
