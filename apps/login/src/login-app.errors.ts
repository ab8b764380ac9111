/**
 * What the login app shows when it cannot go on: a status, a title and a sentence for the user
 * (PageExceptionFilter renders them). Never a stack, never a value from the request.
 */
export abstract class PageError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly headers: Readonly<Record<string, string>> = {};

  constructor(readonly text: string) {
    super(text);
    this.name = new.target.name;
  }
}

/** The page was opened without its challenge, or the form was not one of ours. */
export class BadPageRequest extends PageError {
  readonly status = 400;
  readonly title = 'This sign-in cannot continue';
}

/** The CSRF token is missing or is not the one this browser's cookie and challenge give. */
export class CsrfRejected extends PageError {
  readonly status = 403;
  readonly title = 'This form has expired';

  constructor() {
    super('Go back to the application and start signing in again.');
  }
}

/** RFC 6585 §4: the username failed too often in the window; no password was checked. */
export class TooManyFailedLogins extends PageError {
  readonly status = 429;
  readonly title = 'Too many attempts';
  override readonly headers: Readonly<Record<string, string>>;

  constructor(retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      `There were too many failed attempts to sign in as this user. Try again in ${waitText(seconds)}.`,
    );
    // RFC 9110 §10.2.3: whole seconds, rounded up so that a retry on time is not refused.
    this.headers = { 'retry-after': String(seconds) };
  }
}

/** Too many password checks are already waiting (ScryptGate): a busy server, not a failure. */
export class SignInBusy extends PageError {
  readonly status = 503;
  readonly title = 'Please try again';
  override readonly headers = { 'retry-after': '1' };

  constructor() {
    super('The sign-in service is busy. Try again in a moment.');
  }
}

function waitText(seconds: number): string {
  if (seconds < 120) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
