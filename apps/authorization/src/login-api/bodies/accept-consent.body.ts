import { InvalidRequest } from '@app/oauth';
import { ConsentAcceptance, InteractionChallenge } from '@app/store';
import { fieldsOf, optionalFlag, optionalSubset, secondsUpTo } from '@app/oauth';
import { sessionClaims } from './session-claims';

const FIELDS = ['grant_scope', 'grant_resource', 'session', 'remember', 'remember_for'];

/**
 * `PUT …/consent/accept` (AcceptConsentBody): what the user granted, never more than the client
 * asked (RFC 6749 §3.3: the server may grant less), and the claims tokens of the grant may carry.
 */
export function consentAcceptance(
  body: unknown,
  challenge: InteractionChallenge,
  maxRememberFor: number,
): ConsentAcceptance {
  const o = fieldsOf(body, 'the body', FIELDS);
  const scopes = optionalSubset(o, 'grant_scope', challenge.scopes, 'requested_scope');
  if (scopes === undefined) throw new InvalidRequest('grant_scope is required');
  // Consent to nothing is a refusal: the login app says so with reject (access_denied).
  if (scopes.length === 0 && challenge.scopes.length > 0)
    throw new InvalidRequest('grant_scope must hold at least one value of requested_scope');
  const resources = optionalSubset(o, 'grant_resource', challenge.resources, 'requested_resource');
  const { idTokenClaims, userinfoClaims } = sessionClaims(o.session);
  return {
    kind: 'consent',
    scopes,
    // AcceptConsentBody: every requested resource when the login app does not narrow them.
    resources: resources ?? [...challenge.resources],
    idTokenClaims,
    userinfoClaims,
    remember: optionalFlag(o, 'remember') ?? false,
    rememberFor: secondsUpTo(o, 'remember_for', maxRememberFor),
  };
}
