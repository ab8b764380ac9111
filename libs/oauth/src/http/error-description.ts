import { Logger } from '@nestjs/common';

/** RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. */
const WITHIN_CHARSET = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;
/** Our descriptions are short sentences; anything longer has picked up something it should not. */
export const MAX_DESCRIPTION_LENGTH = 200;
/** Sent in place of a description that fails the check: the error code still says what failed. */
export const FALLBACK_DESCRIPTION = 'the request was refused; the error code says why';

const logger = new Logger('OAuthError');

/**
 * The error_description actually sent. Descriptions are written as constants that name our own
 * parameters and never repeat request input; this is the last guard, in the one renderer, for a
 * description that breaks that rule: it is replaced whole (not cleaned up, which would still echo
 * the allowed part of the input), and the replacement is logged without the offending text.
 */
export function safeErrorDescription(error: string, description: string): string {
  if (isSafeErrorDescription(description)) return description;
  logger.warn(
    `the error_description of ${error} (${description.length} characters) is outside RFC 6749 ` +
      '§5.2 characters or too long: replaced',
  );
  return FALLBACK_DESCRIPTION;
}

/**
 * Whether `description` may be sent as it is: within RFC 6749 §5.2's characters (the same for
 * §4.1.2.1's redirect errors) and short. A description written by someone else (a login app's
 * rejection) is checked with this before it is accepted, so it is never replaced on the way out.
 */
export function isSafeErrorDescription(description: string): boolean {
  return description.length <= MAX_DESCRIPTION_LENGTH && WITHIN_CHARSET.test(description);
}
