import { ClientConfig, ConfigError, parseRegistryFile } from '@app/config';
import { generateSecret, hashSecret, verifySecretHash } from '@app/registry';
import {
  ClientMetadataRejected,
  ClientRegistrations,
  RegisteredClient,
  RegisteredClientGone,
} from '../../apps/management/src/registration/client-registrations.port';

const SECRET_METHODS = ['client_secret_basic', 'client_secret_post'];

/**
 * Registration's view of the registry for unit specs: documents validated by the CONFIG_FILE
 * parser against `resources`, a secret generated (create) or kept (replace) for a secret method
 * as the registry's writer does, kept in a map. A change asked with a token that is no longer
 * the client's is refused, as the writer refuses a spent one.
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

  async secretMatches(client: ClientConfig, secret: string): Promise<boolean> {
    return client.secret?.kind === 'hash' && verifySecretHash(secret, client.secret.value);
  }

  create(document: Readonly<Record<string, unknown>>, digest: string): Promise<RegisteredClient> {
    return this.write(document, digest, undefined);
  }

  async replace(
    clientId: string,
    document: Readonly<Record<string, unknown>>,
    digest: string,
    presented: string,
  ): Promise<RegisteredClient> {
    const current = this.documents.get(clientId);
    if (!current) throw new Error('unknown client');
    this.spend(clientId, presented);
    return this.write(document, digest, current.client_secret_hash as string | undefined);
  }

  async remove(clientId: string, presented: string): Promise<void> {
    this.spend(clientId, presented);
    this.clients.delete(clientId);
    this.digests.delete(clientId);
    this.documents.delete(clientId);
  }

  private spend(clientId: string, presented: string): void {
    if (this.digests.get(clientId) !== presented) throw new RegisteredClientGone();
  }

  private async write(
    given: Readonly<Record<string, unknown>>,
    digest: string,
    currentHash: string | undefined,
  ): Promise<RegisteredClient> {
    const method = given.token_endpoint_auth_method ?? 'client_secret_basic';
    const secretMethod = SECRET_METHODS.includes(method as string);
    const clientSecret = secretMethod && !currentHash ? generateSecret() : undefined;
    const hash = clientSecret
      ? await hashSecret(clientSecret)
      : secretMethod
        ? currentHash
        : undefined;
    const document = hash ? { ...given, client_secret_hash: hash } : given;
    let client: ClientConfig;
    try {
      [client] = parseRegistryFile(
        { resources: this.resources, clients: [document] },
        { plainSecrets: false },
      ).clients as [ClientConfig];
    } catch (e) {
      if (e instanceof ConfigError) throw new ClientMetadataRejected(e.field, e.reason);
      throw e;
    }
    this.clients.set(client.clientId, client);
    this.digests.set(client.clientId, digest);
    this.documents.set(client.clientId, document);
    return clientSecret ? { client, clientSecret } : { client };
  }
}
