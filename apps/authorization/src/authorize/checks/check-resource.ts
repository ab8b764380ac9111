import { ClientConfig } from '@app/config';
import { allowedResource, FormParams, InvalidRequest } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { PARAMETER_LIMITS } from './parameter';

/** More resources than any client is registered for in practice; bounds the stored request. */
const MAX_RESOURCES = 10;

/**
 * RFC 8707 §2: each `resource` is an absolute URI without a fragment, known, and allowed for the
 * client (`allowedResource`, the token endpoint's rule). The authorization request may name
 * several: the consent covers them all, and the token endpoint issues one token per resource.
 */
export function checkResource(
  registry: ClientRegistry,
  client: ClientConfig,
  params: FormParams,
): string[] {
  const requested = [...new Set(params.getAll('resource'))];
  if (requested.length > MAX_RESOURCES) throw new InvalidRequest('too many resource parameters');
  for (const resource of requested) {
    if (resource.length > PARAMETER_LIMITS.resource)
      throw new InvalidRequest('the resource parameter is too long');
    allowedResource(registry, client, resource);
  }
  return requested;
}
