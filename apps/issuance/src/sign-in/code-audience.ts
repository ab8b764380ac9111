import { AppConfig, OPENID_SCOPES, ResourceConfig } from '@app/config';
import { FormParams, InvalidScope, InvalidTarget, requestedResource } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { AuthorizationCodeRecord } from '@app/store';

/** What a code (or a refresh, with the scopes it asks for) grants: scopes and resources. */
export type GrantedAudience = Pick<AuthorizationCodeRecord, 'scopes' | 'resources'>;

/** The API a code redemption's access token is for, and the scopes it carries. */
export interface CodeAudience {
  readonly resource: ResourceConfig;
  readonly scopes: readonly string[];
}

/**
 * Which access token a code buys (RFC 8707 §2.2, OIDC Core §5.3):
 * - the token request's `resource` picks one of the resources consented with the code; a
 *   resource the code does not carry is `invalid_target` (§2.2: it may only narrow), and so are
 *   several different ones (requestedResource: one token, one audience); the same one repeated
 *   is that one;
 * - without `resource`, the first consented resource (one token carries one audience, RFC 9068;
 *   a refresh token's `resource` names any of the others, RFC 8707 §2.2);
 * - no resource consented: the /userinfo token (`userinfoResource`).
 * Its scopes are the granted scopes that resource defines plus the granted OpenID scopes, so the
 * same token also serves /userinfo when `openid` was granted (UserinfoUseCase).
 */
export function codeAudience(
  config: AppConfig,
  registry: ClientRegistry,
  code: GrantedAudience,
  form: FormParams,
): CodeAudience {
  const resource = chosenResource(config, registry, code, form);
  const scopes = code.scopes.filter(
    (s) => resource.scopes.includes(s) || OPENID_SCOPES.includes(s),
  );
  // The event and the token need one scope at least; the consent granted none this token serves.
  if (scopes.length === 0) throw new InvalidScope('no granted scope suits the resource');
  return { resource, scopes };
}

/**
 * The audience of an access token that serves only /userinfo (OIDC Core §5.3): the endpoint's
 * URL, a JWT (ES256, like the resources' default) living signIn.userinfoTokenTtl.
 */
export function userinfoResource(config: AppConfig): ResourceConfig {
  return {
    identifier: config.endpoints.userinfo,
    scopes: OPENID_SCOPES,
    accessTokenFormat: 'jwt',
    accessTokenTtl: config.signIn.userinfoTokenTtl,
    signingAlg: 'ES256',
  };
}

function chosenResource(
  config: AppConfig,
  registry: ClientRegistry,
  code: GrantedAudience,
  form: FormParams,
): ResourceConfig {
  const identifier = requestedResource(form) ?? code.resources[0];
  if (identifier === undefined) return userinfoResource(config);
  // RFC 6749 §5.2: the description never repeats the requested value.
  if (!code.resources.includes(identifier)) throw new InvalidTarget('the resource was not granted');
  const resource = registry.resource(identifier);
  if (!resource) throw new InvalidTarget('the resource is no longer known');
  return resource;
}
