import { ClientConfig, ResourceConfig } from '@app/config';
import {
  allowedResource,
  FormParams,
  InvalidScope,
  InvalidTarget,
  requestedResource,
} from '@app/oauth';
import { ClientRegistry } from '@app/registry';

/**
 * RFC 8707 §2: `resource` picks the API; absent, the client's first listed resource. It must
 * be one (requestedResource: several different ones are `invalid_target`), an absolute URI
 * without a fragment, known, and allowed for the client.
 * Descriptions never repeat the requested value (RFC 6749 §5.2).
 */
export function resolveResource(
  registry: ClientRegistry,
  client: ClientConfig,
  form: FormParams,
): ResourceConfig {
  const requested = requestedResource(form) ?? client.resources[0];
  if (requested === undefined) throw new InvalidTarget('the client may not request any resource');
  return allowedResource(registry, client, requested);
}

/**
 * RFC 6749 §3.3: every requested scope must be allowed for the client and defined by the
 * resource; absent, every scope of the client that the resource defines.
 */
export function resolveScope(
  client: ClientConfig,
  resource: ResourceConfig,
  form: FormParams,
): string[] {
  const granted = client.scopes.filter((s) => resource.scopes.includes(s));
  const requested = form.get('scope');
  if (requested === undefined) {
    if (granted.length === 0) throw new InvalidScope('the client has no scope at this resource');
    return granted;
  }
  const scopes = requested.split(' ');
  if (scopes.some((s) => s === '')) throw new InvalidScope('scope must be single-space delimited');
  const refused = scopes.find((s) => !granted.includes(s));
  if (refused === undefined) return [...new Set(scopes)];
  // RFC 6749 §5.2: the description never repeats the requested value.
  throw new InvalidScope(
    resource.scopes.includes(refused)
      ? 'a requested scope is not allowed for this client'
      : 'a requested scope is not defined by the resource',
  );
}
