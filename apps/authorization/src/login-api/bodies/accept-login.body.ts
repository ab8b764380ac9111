import { SUBJECT_SYNTAX } from '@app/config';
import { InvalidRequest } from '@app/oauth';
import { InteractionChallenge, LoginAcceptance } from '@app/store';
import {
  fieldsOf,
  optionalFlag,
  optionalList,
  optionalString,
  requiredString,
  secondsUpTo,
} from '@app/oauth';

const FIELDS = ['subject', 'acr', 'amr', 'remember', 'remember_for'];
/** An `acr` is a URI or a short level name (OIDC Core §2); printable, as it goes into tokens. */
const ACR_SYNTAX = /^[\x21-\x7e]{1,255}$/;
/** RFC 8176 §2 values are short names (`pwd`, `otp`, `mfa`); a deployment may add its own. */
const AMR_SYNTAX = /^[\x21-\x7e]{1,32}$/;
const MAX_AMR = 10;

/**
 * `PUT …/login/accept` (AcceptLoginBody): who signed in and how (OIDC Core §2 `acr`, `amr`), and
 * for how long the browser session may let later authorizations skip login.
 */
export function loginAcceptance(
  body: unknown,
  challenge: InteractionChallenge,
  maxRememberFor: number,
): LoginAcceptance {
  const o = fieldsOf(body, 'the body', FIELDS);
  const subject = requiredString(
    o,
    'subject',
    SUBJECT_SYNTAX,
    'must be 1 to 255 printable ASCII characters (OIDC Core section 2)',
  );
  // Ory Hydra's rule: a skippable login belongs to the session's subject. Accepting another
  // subject there would sign the browser in as someone else without them logging in.
  if (challenge.skip && challenge.subject !== undefined && subject !== challenge.subject)
    throw new InvalidRequest('subject must be the session subject when the login request is skip');
  const acr = optionalString(o, 'acr', ACR_SYNTAX, 'must be 1 to 255 printable ASCII characters');
  return {
    kind: 'login',
    subject,
    ...(acr === undefined ? {} : { acr }),
    amr: optionalList(o, 'amr', AMR_SYNTAX, MAX_AMR, 'of 1 to 32 printable ASCII characters') ?? [],
    remember: optionalFlag(o, 'remember') ?? false,
    rememberFor: secondsUpTo(o, 'remember_for', maxRememberFor),
  };
}
