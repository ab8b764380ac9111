/**
 * The request parameters our endpoints read (RFC 6749 §2.3 and §4.4, RFC 7009 §2.1, RFC 7523 §2.2,
 * RFC 7662 §2.1, RFC 8707 §2, RFC 7636 §4.5). An error description may name one of these; a name the request
 * made up is never repeated back (RFC 6749 §5.2).
 */
export const PARAMETER_NAMES: ReadonlySet<string> = new Set([
  'grant_type',
  'scope',
  'resource',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'token',
  'token_type_hint',
  // RFC 6749 §4.1.3, RFC 7636 §4.5: the authorization_code grant.
  'code',
  'redirect_uri',
  'code_verifier',
  // RFC 6749 §6: the refresh_token grant.
  'refresh_token',
  // RFC 7523 §2.1: the JWT-bearer grant.
  'assertion',
  // The login/consent API's query (libs/oauth login-consent.api.ts).
  'login_challenge',
  'consent_challenge',
  // The authorization endpoint and PAR (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1,
  // RFC 9126 §4), the browser's return from the login app, and RP-Initiated Logout 1.0 §2.
  'response_type',
  'redirect_uri',
  'state',
  'response_mode',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'max_age',
  'login_hint',
  'ui_locales',
  'acr_values',
  'request',
  'request_uri',
  'login_verifier',
  'consent_verifier',
  'id_token_hint',
  'post_logout_redirect_uri',
  // RFC 9449 §10: the DPoP key a code is bound to.
  'dpop_jkt',
  // RFC 8693 §2.1: the token-exchange grant.
  'subject_token',
  'subject_token_type',
  'actor_token',
  'actor_token_type',
  'requested_token_type',
  'audience',
]);

/**
 * RFC 8707 §2: `resource` may be given several times. Every other parameter MUST NOT be included
 * more than once (RFC 6749 §3.1). FormParams applies this before any grant is chosen; a grant
 * that takes one of these once declares it so (GrantHandler.parameters), and a grant may declare
 * repeatable only a name listed here (checked at start).
 */
export const REPEATABLE_PARAMETERS: ReadonlySet<string> = new Set(['resource']);
