import { ClientConfig } from '@app/config';
import { ClientRegistry } from '@app/registry';

/** The steps client_secret_basic and client_secret_post share once the secret is read. */

/**
 * A secret known good without scrypt (a plain development secret, or a hashed one this replica
 * verified before), sent by the client's own method.
 */
export function secretRecognised(
  registry: ClientRegistry,
  client: ClientConfig,
  method: ClientConfig['authMethod'],
  secret: string,
): boolean {
  return client.authMethod === method && registry.recognises(client, secret);
}

/**
 * The secret is checked even when the method is not the client's, and an unknown client's
 * against the registry's dummy hash, so that a refusal takes as long whatever the reason.
 */
export async function secretVerified(
  registry: ClientRegistry,
  client: ClientConfig | undefined,
  method: ClientConfig['authMethod'],
  presented: { readonly clientId: string; readonly secret: string },
): Promise<boolean> {
  const matches = await registry.secretMatches(client, presented.secret, presented.clientId);
  return matches && client?.authMethod === method;
}
