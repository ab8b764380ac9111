import { ClientConfig, ResourceConfig } from '@app/config';
import { ClientRegistry } from '@app/registry';
import { InvalidTarget } from '../errors';

/**
 * RFC 8707 §2: a requested `resource` must be an absolute URI without a fragment, known, and
 * allowed for the client; `invalid_target` otherwise. The one rule of the token endpoint and the
 * authorization endpoint alike. Descriptions never repeat the requested value (RFC 6749 §5.2).
 */
export function allowedResource(
  registry: ClientRegistry,
  client: ClientConfig,
  requested: string,
): ResourceConfig {
  const resource = registry.resource(requested);
  if (resource && client.resources.includes(requested)) return resource;
  // Registered identifiers are absolute URIs: only a refused value needs the finer message.
  if (!URL.canParse(requested) || requested.includes('#'))
    throw new InvalidTarget('resource must be an absolute URI without a fragment');
  throw new InvalidTarget('the resource is unknown or not allowed for this client');
}
