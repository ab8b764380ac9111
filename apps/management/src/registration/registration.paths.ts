/**
 * The paths of registration: a contract, documented in docs/openapi.yaml and pinned
 * by its spec. The registration endpoint is advertised as `registration_endpoint`
 * (REGISTRATION_ENDPOINT for a public URL of its own).
 */
export const REGISTRATION_PATHS = {
  /** Admin API, POST: an initial access token (RFC 7591 §3). */
  initialAccessTokens: '/admin/initial-access-tokens',
  /** RFC 7591 §3: POST, register a client. */
  register: '/oauth2/register',
  /** RFC 7592 §2: GET, PUT, DELETE, the client configuration endpoint. */
  clientConfiguration: '/oauth2/register/:client_id',
} as const;
