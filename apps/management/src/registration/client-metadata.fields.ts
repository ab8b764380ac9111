import { TLS_CLIENT_AUTH_NAMES } from '@app/config';

/**
 * The client metadata a registration may set (RFC 7591 §2 and the extensions this platform
 * implements: OpenID Registration §2, RFC 8705 §2.1.2 and §3.4, RFC 9126 §6, RFC 9449 §5.2), by
 * the names CONFIG_FILE already uses (libs/config registry-file.parser.ts and the client parsers
 * beside it); `resources` is the platform's own list of the APIs (RFC 8707) the client's scopes
 * belong to. Each value is validated by the registry, exactly as a configured client's.
 */
export const REGISTRABLE_FIELDS = [
  'token_endpoint_auth_method',
  'grant_types',
  'scope',
  'resources',
  'redirect_uris',
  'post_logout_redirect_uris',
  'id_token_signed_response_alg',
  'subject_type',
  'require_pushed_authorization_requests',
  'dpop_bound_access_tokens',
  'tls_client_certificate_bound_access_tokens',
  ...TLS_CLIENT_AUTH_NAMES,
  'jwks',
  'jwks_uri',
  'refresh_token_ttl',
  'refresh_token_idle_ttl',
  'refresh_token_reuse_grace_seconds',
] as const;

/**
 * Fields of CONFIG_FILE that grant a client power over others or over the platform: the admin
 * API, the login/consent API (saying who signed in), introspecting other clients' tokens,
 * skipping the user's consent, its own request limits, exchanging or asserting other subjects'
 * tokens. Only an administrator sets them (the admin API); a registration naming one is
 * refused, never quietly stripped, so the client knows it does not have it.
 */
export const PRIVILEGED_FIELDS = [
  'admin',
  'login_provider',
  'introspects',
  'skip_consent',
  'rate_limit',
  'token_exchange',
  'federated_credentials',
  'jwt_bearer',
] as const;

/**
 * The grant types a registered client may use. The JWT-bearer (RFC 7523 §2.1) and token-exchange
 * (RFC 8693) grants act for other subjects under an administrator's policy (`jwt_bearer`,
 * `token_exchange`): not for a client to grant itself.
 */
export const REGISTRABLE_GRANT_TYPES = [
  'authorization_code',
  'refresh_token',
  'client_credentials',
] as const;

/** RFC 7591 §2: the only response type paired with the code grant (RFC 9700 §2.1.2: no implicit). */
export const CODE_RESPONSE_TYPE = 'code';

/**
 * What the server assigns (RFC 7591 §3.2.1, RFC 7592 §3): a client sends them back in an update
 * (RFC 7592 §2.2, which says they are not to be sent; a client that echoes its read answer
 * would otherwise fail), so they are ignored. `client_id` and `client_secret` are checked there.
 */
export const SERVER_ASSIGNED_FIELDS = [
  'client_id_issued_at',
  'client_secret_expires_at',
  'registration_access_token',
  'registration_client_uri',
] as const;
