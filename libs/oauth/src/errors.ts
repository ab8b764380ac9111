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

  /** RFC 6749 §5.2: a client that tried HTTP Basic gets the challenge back. */
  constructor(description: string, triedBasic = false) {
    super(description);
    this.headers = triedBasic ? { 'www-authenticate': 'Basic realm="oauth2"' } : {};
  }
}

export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';
}

export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
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

export class UnsupportedTokenType extends OAuthError {
  readonly error = 'unsupported_token_type';
}

/** RFC 6749 §4.1.2.1 code, used with 503 when the event log cannot take a state change. */
export class TemporarilyUnavailable extends OAuthError {
  readonly error = 'temporarily_unavailable';
  override readonly status = 503;
  override readonly headers = { 'retry-after': '1' };
}

export class ServerError extends OAuthError {
  readonly error = 'server_error';
  override readonly status = 500;
}
