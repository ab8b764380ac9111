import { Injectable } from '@nestjs/common';
import type { ClientConfig } from '@app/config';
import {
  ClientRegistry,
  ClientWritten,
  RegistryNotFound,
  RegistryRejected,
  RegistryWriter,
} from '@app/registry';
import type { ClientDocument } from './client-metadata.request';
import {
  ClientMetadataRejected,
  ClientRegistrations,
  RegisteredClient,
  RegisteredClientGone,
} from './client-registrations.port';

/** ClientRegistrations on the registry's live snapshot and its writer (libs/registry). */
@Injectable()
export class RegistryClientRegistrations implements ClientRegistrations {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly writer: RegistryWriter,
  ) {}

  client(clientId: string): ClientConfig | undefined {
    return this.registry.client(clientId);
  }

  registrationTokenDigest(clientId: string): string | undefined {
    return this.registry.registration(clientId)?.registrationAccessTokenDigest;
  }

  secretMatches(client: ClientConfig, secret: string): Promise<boolean> {
    return this.registry.secretMatches(client, secret);
  }

  async create(document: ClientDocument, digest: string): Promise<RegisteredClient> {
    return this.registered(
      await rejecting(() =>
        this.writer.createClient(document, { registrationAccessTokenDigest: digest }),
      ),
    );
  }

  async replace(
    clientId: string,
    document: ClientDocument,
    digest: string,
  ): Promise<RegisteredClient> {
    return this.registered(
      await rejecting(() =>
        this.writer.replaceClient(clientId, document, { registrationAccessTokenDigest: digest }),
      ),
    );
  }

  remove(clientId: string): Promise<void> {
    return rejecting(() => this.writer.deleteClient(clientId));
  }

  /** The client as the write left it in this process (the writer applies before it answers). */
  private registered(written: ClientWritten): RegisteredClient {
    const client = this.registry.client(written.clientId);
    if (!client) throw new RegisteredClientGone();
    return written.clientSecret === undefined
      ? { client }
      : { client, clientSecret: written.clientSecret };
  }
}

/** The writer's refusals in registration's terms. */
async function rejecting<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (e instanceof RegistryRejected) throw new ClientMetadataRejected(e.path, e.description);
    if (e instanceof RegistryNotFound) throw new RegisteredClientGone();
    throw e;
  }
}
