import { ClientConfig, OPENID_SCOPES } from '@app/config';
import { FormParams, InvalidScope } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { bounded } from './parameter';

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * RFC 6749 §3.3: every requested scope must be allowed for the client. The OpenID scopes (OIDC
 * Core §5.4, §11) are the authorization service's own; any other scope must be defined by one of
 * the requested resources (RFC 8707 §2), when the request names resources. Descriptions never
 * repeat the requested value (RFC 6749 §5.2).
 */
export function checkScope(
  registry: ClientRegistry,
  client: ClientConfig,
  params: FormParams,
  resources: readonly string[],
): string[] {
  const requested = bounded(params, 'scope');
  if (requested === undefined) throw new InvalidScope('the scope parameter is required');
  const scopes = requested.split(' ');
  if (scopes.some((s) => !SCOPE_TOKEN.test(s)))
    throw new InvalidScope('scope must be single-space delimited scope tokens');
  if (scopes.some((s) => !client.scopes.includes(s)))
    throw new InvalidScope('a requested scope is not allowed for this client');
  const defined = new Set(resources.flatMap((r) => registry.resource(r)?.scopes ?? []));
  const stray = scopes.some((s) => !OPENID_SCOPES.includes(s) && !defined.has(s));
  if (resources.length > 0 && stray)
    throw new InvalidScope('a requested scope is not defined by the requested resources');
  return [...new Set(scopes)];
}
