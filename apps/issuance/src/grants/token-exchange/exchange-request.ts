import { ResourceConfig } from '@app/config';
import { FormParams, InvalidRequest } from '@app/oauth';
import { IssuedTokenType, TOKEN_TYPES } from './token-types';

/**
 * RFC 8693 §2.1: `actor_token_type` is REQUIRED when `actor_token` is present and MUST NOT be
 * included otherwise (an empty value counts as absent, RFC 6749 §3.1). Returns the pair, or
 * undefined when there is no actor token.
 */
export function actorParameters(form: FormParams): { token: string; type: string } | undefined {
  const token = form.get('actor_token');
  const type = form.get('actor_token_type');
  if (token === undefined && type === undefined) return undefined;
  if (token === undefined)
    throw new InvalidRequest('actor_token_type must not be sent without actor_token');
  if (type === undefined) throw new InvalidRequest('actor_token requires actor_token_type');
  return { token, type };
}

/**
 * RFC 8693 §2.1 `requested_token_type`, §2.2.1 `issued_token_type`: an access token (absent,
 * `access_token`), or `jwt` when the resource's access tokens are JWTs. A refresh token is never
 * issued by an exchange (the exchanged token is as short-lived as its subject token allows; a
 * refresh token would outlive the subject token's revocation check), nor an ID token:
 * `invalid_request` (§2.2.2, the request is not acceptable).
 */
export function issuedTokenType(form: FormParams, resource: ResourceConfig): IssuedTokenType {
  const requested = form.get('requested_token_type');
  switch (requested) {
    case undefined:
    case TOKEN_TYPES.accessToken:
      return TOKEN_TYPES.accessToken;
    case TOKEN_TYPES.jwt:
      if (resource.accessTokenFormat !== 'jwt')
        throw new InvalidRequest('requested_token_type jwt: the resource takes opaque tokens');
      return TOKEN_TYPES.jwt;
    case TOKEN_TYPES.refreshToken:
      throw new InvalidRequest('requested_token_type: a token exchange issues no refresh token');
    default:
      throw new InvalidRequest('requested_token_type is not supported: access tokens only');
  }
}
