import { Inject, Injectable } from '@nestjs/common';
import type { ClientConfig } from '@app/config';
import {
  ClientRegistry,
  ClientWritten,
  RegistrationTokenUse,
  RegistryNotFound,
  RegistryRejected,
  RegistryTokenSpent,
  RegistryWriter,
} from '@app/registry';
import { RedisKeys, REPLAY_STORE, ReplayStore } from '@app/store';
import type { ClientDocument } from './client-metadata.request';
import {
  ClientMetadataRejected,
  ClientRegistrations,
  RegisteredClient,
  RegisteredClientGone,
} from './client-registrations.port';

/**
 * How long a spent registration access token stays claimed: far longer than a change takes to
 * reach every replica (docs/architecture.md "Registry": tens of milliseconds), after which no
 * replica takes the token as the client's anyway.
 */
export const SPENT_TOKEN_CLAIM_MS = 10 * 60_000;

/** ClientRegistrations on the registry's live snapshot and its writer (libs/registry). */
@Injectable()
export class RegistryClientRegistrations implements ClientRegistrations {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly writer: RegistryWriter,
    @Inject(REPLAY_STORE) private readonly replays: ReplayStore,
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
    presented: string,
  ): Promise<RegisteredClient> {
    return this.registered(
      await rejecting(() =>
        this.writer.replaceClient(clientId, document, {
          registrationAccessTokenDigest: digest,
          authorizedBy: this.use(clientId, presented),
        }),
      ),
    );
  }

  remove(clientId: string, presented: string): Promise<void> {
    return rejecting(() =>
      this.writer.deleteClient(clientId, { authorizedBy: this.use(clientId, presented) }),
    );
  }

  /** One use of the presented token, claimed in the store every replica shares. */
  private use(clientId: string, digest: string): RegistrationTokenUse {
    const key = RedisKeys.registrationTokenSpent(clientId, digest);
    return {
      digest,
      spend: () => this.replays.claimOnce(key, Date.now() + SPENT_TOKEN_CLAIM_MS),
      refund: () => this.replays.release(key),
    };
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
    if (e instanceof RegistryNotFound || e instanceof RegistryTokenSpent)
      throw new RegisteredClientGone();
    throw e;
  }
}
