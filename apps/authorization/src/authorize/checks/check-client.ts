import { ClientConfig } from '@app/config';
import { FormParams, InvalidRequest } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { bounded } from './parameter';

/**
 * RFC 6749 §4.1.2.1: with no known client there is no redirect URI to trust, so this failure
 * (like the redirect URI's) is shown to the user and never sent anywhere.
 */
export function checkClient(registry: ClientRegistry, params: FormParams): ClientConfig {
  const clientId = bounded(params, 'client_id');
  if (clientId === undefined) throw new InvalidRequest('the client_id parameter is required');
  const client = registry.client(clientId);
  if (client === undefined) throw new InvalidRequest('the client is unknown');
  return client;
}
