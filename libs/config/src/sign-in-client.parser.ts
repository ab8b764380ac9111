import { ConfigError } from './config.error';
import {
  ClientSignInSettings,
  ID_TOKEN_SIGNING_ALGS,
  IdTokenSigningAlg,
  OPENID_SCOPES,
  SUBJECT_TYPES,
  SubjectType,
} from './config.types';
import { flag, Json, oneOf } from './json-fields';
import { isLoopbackIpLiteral } from './loopback-host';
import { redirectUriList } from './redirect-uri';
import { REFRESH_TOKEN_DEFAULTS, RefreshTokenSettings } from './refresh-token-client.parser';

export const AUTHORIZATION_CODE = 'authorization_code';

/**
 * The settings of a client that takes no part in the sign-in flow, with the refresh-token
 * defaults (a client without `refresh_token` never uses them).
 */
export const SIGN_IN_DEFAULTS: ClientSignInSettings & {
  readonly refreshToken: RefreshTokenSettings;
} = Object.freeze({
  redirectUris: Object.freeze([]),
  postLogoutRedirectUris: Object.freeze([]),
  // OIDC Core §15.1: the one algorithm every relying party supports.
  idTokenSignedResponseAlg: 'RS256',
  subjectType: 'public',
  requirePushedAuthorizationRequests: false,
  skipConsent: false,
  loginProvider: false,
  refreshToken: REFRESH_TOKEN_DEFAULTS,
});

/** How a `login_provider` client authenticates to the login/consent API (RFC 6749 §2.3.1). */
export const LOGIN_PROVIDER_AUTH_METHOD = 'client_secret_basic';

/** Fields that mean something only to a client that receives codes. */
const CODE_FLOW_FIELDS = [
  'redirect_uris',
  'post_logout_redirect_uris',
  'id_token_signed_response_alg',
  'subject_type',
  'require_pushed_authorization_requests',
  'skip_consent',
] as const;

/** OIDC Core §5.4: claims scopes, which ask for claims only an `openid` request returns. */
const CLAIMS_SCOPES = ['profile', 'email', 'address', 'phone'];

/**
 * RFC 7591 §2: `none` is a public client, one that cannot keep a secret. Compared as a string:
 * the method list of the token endpoint grows with it.
 */
export function isPublicClient(authMethod: string): boolean {
  return authMethod === 'none';
}

/**
 * The sign-in fields of one client (`clients[i]`), with the defaults of OpenID Registration §2.
 * A field that would do nothing for this client (no `authorization_code` grant) is refused.
 */
export function parseSignInSettings(
  c: Json,
  path: string,
  grantTypes: readonly string[],
  authMethod: string,
): ClientSignInSettings {
  const loginProvider = flag(c.login_provider, `${path}.login_provider`);
  // The login provider tells the platform who signed in: only a client that proves who it is,
  // the one way the login/consent API takes (HTTP Basic, like Ory Hydra's admin API behind it).
  if (loginProvider && authMethod !== LOGIN_PROVIDER_AUTH_METHOD)
    throw new ConfigError(
      `${path}.login_provider`,
      `a login provider must be a confidential client of token_endpoint_auth_method ` +
        `${LOGIN_PROVIDER_AUTH_METHOD}: the login/consent API takes HTTP Basic only`,
    );
  if (!grantTypes.includes(AUTHORIZATION_CODE)) {
    const stray = CODE_FLOW_FIELDS.find((f) => c[f] !== undefined);
    if (stray !== undefined)
      throw new ConfigError(
        `${path}.${stray}`,
        `applies only to clients whose grant_types include ${AUTHORIZATION_CODE}`,
      );
    return { ...{}, ...SIGN_IN_DEFAULTS, loginProvider };
  }
  const redirectUris = codeRedirectUris(c.redirect_uris, `${path}.redirect_uris`);
  const subjectType = oneOf<SubjectType>(
    c.subject_type ?? SIGN_IN_DEFAULTS.subjectType,
    SUBJECT_TYPES,
    `${path}.subject_type`,
  );
  const skipConsent = flag(c.skip_consent, `${path}.skip_consent`);
  if (skipConsent && isPublicClient(authMethod))
    requireClaimedRedirects(redirectUris, `${path}.skip_consent`);
  return {
    redirectUris,
    postLogoutRedirectUris:
      c.post_logout_redirect_uris === undefined
        ? []
        : redirectUriList(c.post_logout_redirect_uris, `${path}.post_logout_redirect_uris`),
    idTokenSignedResponseAlg: oneOf<IdTokenSigningAlg>(
      c.id_token_signed_response_alg ?? SIGN_IN_DEFAULTS.idTokenSignedResponseAlg,
      ID_TOKEN_SIGNING_ALGS,
      `${path}.id_token_signed_response_alg`,
    ),
    subjectType,
    ...(subjectType === 'pairwise'
      ? { sectorIdentifier: sectorHost(redirectUris, `${path}.subject_type`) }
      : {}),
    requirePushedAuthorizationRequests: flag(
      c.require_pushed_authorization_requests,
      `${path}.require_pushed_authorization_requests`,
    ),
    skipConsent,
    loginProvider,
  };
}

/**
 * Which scopes of a client's `scope` no resource needs to define: the OpenID ones, for a client
 * of the sign-in flow. Refuses them elsewhere, and claims scopes without `openid`.
 */
export function openIdScopes(
  scopes: readonly string[],
  grantTypes: readonly string[],
  path: string,
): Set<string> {
  const openId = scopes.filter((s) => OPENID_SCOPES.includes(s));
  if (openId.length > 0 && !grantTypes.includes(AUTHORIZATION_CODE))
    throw new ConfigError(
      path,
      `"${openId[0]}" is an OpenID Connect scope: only clients whose grant_types include ` +
        `${AUTHORIZATION_CODE} may have it`,
    );
  const claims = openId.find((s) => CLAIMS_SCOPES.includes(s));
  if (claims !== undefined && !openId.includes('openid'))
    throw new ConfigError(
      path,
      `"${claims}" asks for claims that only an openid request returns: add openid (OIDC Core §5.4)`,
    );
  return new Set(openId);
}

/** RFC 9700 §2.1, OpenID Registration §2: a code client registers where its codes go. */
function codeRedirectUris(v: unknown, path: string): string[] {
  if (v === undefined)
    throw new ConfigError(path, `is required for a client of the ${AUTHORIZATION_CODE} grant`);
  const uris = redirectUriList(v, path);
  if (uris.length === 0)
    throw new ConfigError(path, `a client of the ${AUTHORIZATION_CODE} grant needs at least one`);
  return uris;
}

/**
 * RFC 8252 §8.6: a public client's identity is only as good as its redirect URI. Any app on the
 * device can listen on a loopback port or claim a private-use scheme, so such a client may not
 * skip consent; an https URI (a web origin, or an app-claimed https URI, §7.2) can be trusted.
 */
function requireClaimedRedirects(redirectUris: readonly string[], path: string): void {
  if (redirectUris.some((u) => !u.startsWith('https://')))
    throw new ConfigError(
      path,
      'a public client may skip consent only when every redirect URI is https: any app can ' +
        'claim a loopback port or a private-use scheme (RFC 8252 §8.6)',
    );
}

/**
 * OIDC Core §8.1: without a `sector_identifier_uri` (not supported here) the sector is the host
 * of the redirect URIs, so they must share one, and it must be the client's own: a loopback
 * address (every native app's) or no host at all would hand several clients the same subjects.
 */
function sectorHost(redirectUris: readonly string[], path: string): string {
  const hosts = new Set(redirectUris.map((u) => new URL(u).hostname));
  const [host] = hosts;
  if (hosts.size > 1)
    throw new ConfigError(
      path,
      'pairwise with redirect URIs on several hosts needs a sector_identifier_uri ' +
        '(OIDC Core §8.1), which this server does not support: register one client per host',
    );
  if (host === undefined || host === '' || isLoopbackIpLiteral(host))
    throw new ConfigError(
      path,
      'pairwise subjects are computed for the host of the redirect URIs (OIDC Core §8.1): ' +
        'a loopback or host-less redirect URI names no host of the client',
    );
  return host;
}
