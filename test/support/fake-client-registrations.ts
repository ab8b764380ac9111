import { ClientConfig, ConfigError, parseRegistryFile } from '@app/config';
import {
  ClientMetadataRejected,
  ClientRegistrations,
} from '../../apps/management/src/registration/client-registrations.port';

/**
 * Registration's view of the registry for unit specs: documents validated by the CONFIG_FILE
 * parser against `resources` (as the registry's writer does), kept in a map.
 */
export class FakeClientRegistrations implements ClientRegistrations {
  readonly clients = new Map<string, ClientConfig>();
  readonly digests = new Map<string, string>();
  readonly documents = new Map<string, Readonly<Record<string, unknown>>>();

  constructor(private readonly resources: readonly Record<string, unknown>[]) {}

  client(clientId: string): ClientConfig | undefined {
    return this.clients.get(clientId);
  }

  registrationTokenDigest(clientId: string): string | undefined {
    return this.digests.get(clientId);
  }

  async create(document: Readonly<Record<string, unknown>>, digest: string): Promise<ClientConfig> {
    return this.write(document, digest);
  }

  async replace(
    clientId: string,
    document: Readonly<Record<string, unknown>>,
    digest: string,
  ): Promise<ClientConfig> {
    if (!this.clients.has(clientId)) throw new Error('unknown client');
    return this.write(document, digest);
  }

  async remove(clientId: string): Promise<void> {
    this.clients.delete(clientId);
    this.digests.delete(clientId);
    this.documents.delete(clientId);
  }

  private write(document: Readonly<Record<string, unknown>>, digest: string): ClientConfig {
    let client: ClientConfig;
    try {
      [client] = parseRegistryFile(
        { resources: this.resources, clients: [document] },
        { plainSecrets: false },
      ).clients as [ClientConfig];
    } catch (e) {
      if (e instanceof ConfigError)
        throw new ClientMetadataRejected(
          e.field,
          e.message.slice(`Invalid configuration: ${e.field}: `.length),
        );
      throw e;
    }
    this.clients.set(client.clientId, client);
    this.digests.set(client.clientId, digest);
    this.documents.set(client.clientId, document);
    return client;
  }
}
