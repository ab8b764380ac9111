/**
 * RFC 6750 §3.1 errors, rendered as a status, a `WWW-Authenticate: Bearer` challenge and a small
 * JSON body. Descriptions never echo the token.
 */
export abstract class BearerError extends Error {
  abstract readonly status: number;
  /** Absent when the request carried no credentials at all (RFC 6750 §3.1). */
  abstract readonly error: string | undefined;
  readonly scope: string | undefined = undefined;

  constructor(readonly description: string) {
    super(description);
    this.name = new.target.name;
  }

  challenge(realm: string): string {
    const params = [`realm="${realm}"`];
    if (this.error) params.push(`error="${this.error}"`, `error_description="${this.description}"`);
    if (this.scope) params.push(`scope="${this.scope}"`);
    return `Bearer ${params.join(', ')}`;
  }
}

export class MissingToken extends BearerError {
  readonly status = 401;
  readonly error = undefined;
}

export class InvalidBearerRequest extends BearerError {
  readonly status = 400;
  readonly error = 'invalid_request';
}

export class InvalidToken extends BearerError {
  readonly status = 401;
  readonly error = 'invalid_token';
}

export class InsufficientScope extends BearerError {
  readonly status = 403;
  readonly error = 'insufficient_scope';
  override readonly scope: string;

  constructor(required: readonly string[]) {
    super('the access token lacks a required scope');
    this.scope = required.join(' ');
  }
}

/** Token state could not be checked (revocation mirror stale, key set unreachable). */
export class TokenStateUnavailable extends BearerError {
  readonly status = 503;
  readonly error = 'temporarily_unavailable';
}

/** What a plain Node server sends for a BearerError. */
export function bearerErrorResponse(e: BearerError, realm: string) {
  return {
    status: e.status,
    headers: {
      'www-authenticate': e.challenge(realm),
      'cache-control': 'no-store',
      'content-type': 'application/json',
      ...(e.status === 503 ? { 'retry-after': '1' } : {}),
    },
    body: JSON.stringify(
      e.error ? { error: e.error, error_description: e.description } : { error: 'unauthorized' },
    ),
  };
}
