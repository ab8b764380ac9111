import { SUBJECT_SYNTAX } from '@app/config';
import { fieldsOf, InvalidRequest, optionalString } from '@app/oauth';
import { CLIENT_ID_SYNTAX, GRANT_ID_SYNTAX } from './admin-api.paths';

/** What `POST /admin/revocations` asks to revoke: exactly one of a grant, a client, a subject. */
export type RevocationRequest =
  | { readonly kind: 'grant'; readonly grantId: string }
  | { readonly kind: 'client'; readonly clientId: string }
  | { readonly kind: 'subject'; readonly subject: string };

const FIELDS = ['grant_id', 'client_id', 'subject'] as const;
const ONE_OF = `the body names exactly one of ${FIELDS.join(', ')}`;

/**
 * Reads the JSON body strictly: an object with exactly one known member, a string of its
 * syntax. A body naming two (`{"client_id", "subject"}`) is refused rather than read as the
 * narrower or the wider: a revocation's reach must never be guessed.
 */
export function revocationRequest(body: unknown): RevocationRequest {
  const o = fieldsOf(body, 'the body', FIELDS);
  const grantId = optionalString(
    o,
    'grant_id',
    GRANT_ID_SYNTAX,
    'must be 1 to 128 visible ASCII characters',
  );
  const clientId = optionalString(
    o,
    'client_id',
    CLIENT_ID_SYNTAX,
    'must be 1 to 255 printable ASCII characters',
  );
  const subject = optionalString(
    o,
    'subject',
    SUBJECT_SYNTAX,
    'must be 1 to 255 visible ASCII characters',
  );
  const named = [grantId, clientId, subject].filter((v) => v !== undefined).length;
  if (named !== 1) throw new InvalidRequest(ONE_OF);
  if (grantId !== undefined) return { kind: 'grant', grantId };
  if (clientId !== undefined) return { kind: 'client', clientId };
  return { kind: 'subject', subject: subject! };
}
