import { HttpException } from '@nestjs/common';
import { OAuthError } from '@app/oauth';

/** The login/consent API answered with an error, or could not be reached or understood. */
export class LoginApiError extends Error {
  constructor(
    /** The API's HTTP status; 502 when it did not answer usably, 504 when it did not in time. */
    readonly status: number,
    /** The API's `error` code, or what went wrong on the way. Never a secret or a body. */
    readonly error: string,
    options?: { cause?: unknown },
  ) {
    super(`login/consent API: ${status} ${error}`, options);
    this.name = 'LoginApiError';
  }
}

/**
 * The status of a failure of either adapter: the HTTP one throws LoginApiError, the in-process
 * one the OAuthErrors the API renders (and Nest's HttpExceptions). Undefined: not an API failure.
 */
export function apiFailureStatus(e: unknown): number | undefined {
  if (e instanceof LoginApiError || e instanceof OAuthError) return e.status;
  if (e instanceof HttpException) return e.getStatus();
  return undefined;
}
