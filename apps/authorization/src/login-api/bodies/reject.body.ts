import { DENIAL_ERRORS, DenialError } from '@app/events';
import { InvalidRequest, isSafeErrorDescription, MAX_DESCRIPTION_LENGTH } from '@app/oauth';
import { InteractionRejection } from '@app/store';
import { fieldsOf, optionalOneOf } from '@app/oauth';

/**
 * `PUT …/login/reject` and `…/consent/reject` (RejectBody): the error the client's redirect URI
 * receives (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6), `access_denied` unless the app chooses.
 */
export function rejection(body: unknown): InteractionRejection {
  const o = fieldsOf(body, 'the body', ['error', 'error_description']);
  const error: DenialError = optionalOneOf(o, 'error', DENIAL_ERRORS) ?? 'access_denied';
  const description = o.error_description ?? undefined;
  if (description === undefined) return { kind: 'rejected', error };
  // Checked here, so the client gets the app's words or a refusal now, never a replacement later.
  if (typeof description !== 'string' || description === '' || !isSafeErrorDescription(description))
    throw new InvalidRequest(
      `error_description must be 1 to ${MAX_DESCRIPTION_LENGTH} printable ASCII characters ` +
        'without double quote or backslash (RFC 6749 section 4.1.2.1)',
    );
  return { kind: 'rejected', error, errorDescription: description };
}
