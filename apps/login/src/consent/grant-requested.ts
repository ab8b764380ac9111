import { AcceptConsentBody, ConsentRequestView } from '@app/oauth';

/**
 * Consent to everything the request asks, with the user's claims for the ID token and /userinfo
 * (the platform releases only the claims of the granted scopes, OIDC Core §5.4). The reference
 * app offers all or nothing; a company's app may let the user pick scopes (a subset is allowed).
 */
export function grantRequested(
  request: ConsentRequestView,
  claims: Readonly<Record<string, unknown>>,
  remember: boolean,
): AcceptConsentBody {
  return {
    grant_scope: request.requested_scope,
    grant_resource: request.requested_resource,
    session: { id_token: claims, userinfo: claims },
    remember,
  };
}
