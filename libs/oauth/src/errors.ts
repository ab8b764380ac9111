import { CREDENTIAL_AUTH_METHODS } from './client-authentication/endpoint-auth-methods';

/**
 * RFC error codes, one class each (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 8707 §2, RFC 6749 §4.1.2.1).
 * Thrown anywhere; rendered in one place (OAuthExceptionFilter).
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  readonly status: number = 400;
  readonly headers: Readonly<Record<string, string>> = {};

  constructor(readonly description: string) {
    super(description);
    this.name = new.target.name;
  }
}

export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
}

export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  override readonly status = 401;
  override readonly headers: Record<string, string>;

  /**
   * RFC 9110 §15.5.2: every 401 carries a challenge. RFC 6749 §5.2: a client that tried HTTP
   * Basic gets the Basic challenge back; any other gets the same scheme (the one every HTTP
   * client library parses) with an auth-param (RFC 9110 §11.2) naming the methods that
   * authenticate, as the metadata's `*_endpoint_auth_methods_supported` do. `none` is left out:
   * it presents no credentials, so it is no answer to a challenge (and introspection refuses
   * it). A challenge parser reads the list as one more name=value pair; no new scheme to
   * stumble on.
   */
  constructor(
    description: string,
    triedBasic = false,
    /** The endpoint's methods as offered here (offeredAuthMethods), as its metadata lists them. */
    methods: readonly string[] = CREDENTIAL_AUTH_METHODS,
  ) {
    super(description);
    this.headers = { 'www-authenticate': triedBasic ? BASIC_CHALLENGE : methodsChallenge(methods) };
  }
}

const BASIC_CHALLENGE = 'Basic realm="oauth2"';
const methodsChallenge = (methods: readonly string[]) =>
  `${BASIC_CHALLENGE}, token_endpoint_auth_methods_supported="${methods.filter((m) => m !== 'none').join(' ')}"`;

export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';
}

export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
}

/**
 * `unauthorized_client` with 403 (RFC 9110 §15.5.4): the client authenticated, but may not use
 * this API at all (e.g. the login/consent API, for `login_provider` clients only). 401 would
 * tell it to retry with other credentials; these are good, just not allowed here.
 */
export class ForbiddenClient extends UnauthorizedClient {
  override readonly status = 403;
}

/**
 * 404: what the request names does not exist (an unknown, expired or consumed login or consent
 * challenge). No RFC 6749 code fits; `not_found` is the code the filter gives Nest's own 404s.
 */
export class NotFound extends OAuthError {
  readonly error = 'not_found';
  override readonly status = 404;
}

/**
 * 409 (RFC 9110 §15.5.10): the request conflicts with the state of what it names (a challenge
 * that has already been answered: answers are recorded once, and the first one stands).
 */
export class Conflict extends OAuthError {
  readonly error = 'conflict';
  override readonly status = 409;
}

export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
}

export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
}

export class InvalidTarget extends OAuthError {
  readonly error = 'invalid_target';
}

/** RFC 6749 §4.1.2.1: the authorization endpoint issues codes only (RFC 9700 §2.1.2). */
export class UnsupportedResponseType extends OAuthError {
  readonly error = 'unsupported_response_type';
}

/** RFC 9101 §6.2 (used by RFC 9126 §4): the `request_uri` is unknown, expired or used. */
export class InvalidRequestUri extends OAuthError {
  readonly error = 'invalid_request_uri';
}

/** OIDC Core §6.1 / RFC 9101: request objects (`request`) are not supported here. */
export class RequestNotSupported extends OAuthError {
  readonly error = 'request_not_supported';
}

/**
 * RFC 6749 §4.1.2.1 `access_denied` and the OIDC Core §3.1.2.6 interaction errors
 * (`login_required`, `consent_required`, …): the sign-in was refused or needs the user.
 */
export class AuthorizationDenied extends OAuthError {
  constructor(
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

/** RFC 9449 §7.1, §12.2: the DPoP proof is missing where required, malformed or not for this request. */
export class InvalidDpopProof extends OAuthError {
  readonly error = 'invalid_dpop_proof';
}

/**
 * RFC 9449 §8: the proof lacks a current server nonce; the fresh one goes in `DPoP-Nonce`, and
 * the client retries once with it. 400 at the authorization server (§8.1).
 */
export class UseDpopNonce extends OAuthError {
  readonly error = 'use_dpop_nonce';
  override readonly headers: Readonly<Record<string, string>>;

  constructor(description: string, nonce: string) {
    super(description);
    this.headers = { 'dpop-nonce': nonce };
  }
}

export class UnsupportedTokenType extends OAuthError {
  readonly error = 'unsupported_token_type';
}

/** RFC 6749 §4.1.2.1 code, used with 503 when the event log cannot take a state change. */
export class TemporarilyUnavailable extends OAuthError {
  readonly error = 'temporarily_unavailable';
  override readonly status: number = 503;
  override readonly headers: Readonly<Record<string, string>> = { 'retry-after': '1' };
}

/**
 * 429 (RFC 6585 §4) for a client id or address with too many failed client authentications.
 * RFC 6749 defines no code for it; `temporarily_unavailable` is the registered code that says
 * "retry later" without judging the credentials: `invalid_client` would tell a client that its
 * secret is wrong (and is answered only after a check this refuses to pay for), `slow_down`
 * belongs to device-flow polling (RFC 8628 §3.5). The same answer whether or not the client
 * exists or its secret is right, so it tells an attacker nothing.
 */
export class TooManyFailedAuthentications extends TemporarilyUnavailable {
  override readonly status = 429;
  override readonly headers: Readonly<Record<string, string>>;

  constructor(retryAfterMs: number) {
    super('too many failed client authentications; retry later');
    // RFC 9110 §10.2.3: whole seconds, rounded up so that a retry on time is not refused.
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
  }
}

/**
 * 429 (RFC 6585 §4) for a client or an address past its request allowance (RATE_LIMIT_*), with
 * the same registered code as TooManyFailedAuthentications and for the same reason: RFC 6749
 * has no "too many requests" code, and `temporarily_unavailable` is the one that means "retry
 * later". Retry-After tells when the window ends.
 */
export class RateLimited extends TemporarilyUnavailable {
  override readonly status = 429;
  override readonly headers: Readonly<Record<string, string>>;

  constructor(retryAfterMs: number) {
    super('too many requests; retry later');
    // RFC 9110 §10.2.3: whole seconds, rounded up so that a retry on time is not refused.
    this.headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
  }
}

/**
 * 503 from a service shedding load (SHED_EVENT_LOOP_LAG_MS): refused at once, before any work,
 * so that the caller retries elsewhere or later instead of waiting in a queue it would time out
 * in. RFC 6749 §4.1.2.1 names the code for exactly this: "temporarily overloaded".
 */
export class Overloaded extends TemporarilyUnavailable {
  override readonly headers: Readonly<Record<string, string>>;

  constructor(retryAfterSeconds: number) {
    super('the server is overloaded; retry later');
    this.headers = { 'retry-after': String(retryAfterSeconds) };
  }
}

export class ServerError extends OAuthError {
  readonly error = 'server_error';
  override readonly status = 500;
}

/**
 * RFC 6750 §3.1 `invalid_token` (401) for the server's own bearer-protected routes (`GET
 * /metrics` with METRICS_TOKEN). The challenge names the error only when a token was presented:
 * a request without credentials gets the bare challenge (RFC 6750 §3.1).
 */
export class InvalidBearerToken extends OAuthError {
  readonly error = 'invalid_token';
  override readonly status = 401;
  override readonly headers: Readonly<Record<string, string>>;

  constructor(description: string, realm: string, presented: boolean) {
    super(description);
    const challenge = `Bearer realm="${realm}"`;
    this.headers = {
      'www-authenticate': presented ? `${challenge}, error="invalid_token"` : challenge,
    };
  }
}

/**
 * RFC 7591 §3.2.2 `invalid_client_metadata`: a registration (or RFC 7592 update) names a value
 * this server does not support or that contradicts another, or asks for what only an
 * administrator may grant.
 */
export class InvalidClientMetadata extends OAuthError {
  readonly error = 'invalid_client_metadata';
}

/** RFC 7591 §3.2.2 `invalid_redirect_uri`: a `redirect_uris` (or logout) value is refused. */
export class InvalidRedirectUri extends OAuthError {
  readonly error = 'invalid_redirect_uri';
}

/** RFC 7591 §3.2.2 `invalid_software_statement`: software statements are not accepted here. */
export class InvalidSoftwareStatement extends OAuthError {
  readonly error = 'invalid_software_statement';
}
