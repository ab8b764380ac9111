import { Logger } from '@nestjs/common';
import {
  ClientConfig,
  parseClientDocument,
  parseResourceDocument,
  RegistryConfig,
  RegistryFileOptions,
  ResourceConfig,
  TrustedIssuerConfig,
} from '@app/config';
import {
  AnyLifecycleEvent,
  ClientStateV1,
  RegistryDocument,
  RegistryEventType,
  REGISTRY_EVENT_TYPES,
} from '@app/events';
import { ClientEntry, RegistryChange, RegistryListener, ResourceEntry } from './registry.port';
import { RegistryRejected } from './registry.errors';
import { describeError, namesResource, rejecting, stateOf } from './registry-documents';

export type RegistryEvent = Extract<AnyLifecycleEvent, { type: RegistryEventType }>;

export const isRegistryEvent = (e: AnyLifecycleEvent): e is RegistryEvent =>
  (REGISTRY_EVENT_TYPES as readonly string[]).includes(e.type);

export interface SnapshotOptions {
  /** How documents are read (plain secrets, loopback jwks_uri), as CONFIG_FILE is. */
  readonly parse?: RegistryFileOptions;
  /** MAX_TOKEN_TTL: no resource's access tokens may live longer (revocation retention). */
  readonly maxTokenTtl?: number;
}

/**
 * The registry's state: CONFIG_FILE's entries, then the log's events applied in order, each
 * replacing or deleting the entry of its id. Pure state, no I/O: every replica applying the same
 * events in the same order holds the same snapshot.
 *
 * A client whose document does not validate against the current resources (its event read
 * before its resource's, or a resource deleted under it by a racing writer) is parked, not
 * dropped: it is tried again whenever a resource changes, and is live again once it validates.
 */
export class RegistrySnapshot {
  private readonly log = new Logger('Registry');
  private readonly clientEntries = new Map<string, ClientEntry>();
  private readonly resourceEntries = new Map<string, ResourceEntry>();
  private readonly parked = new Map<string, ClientStateV1>();
  private readonly listeners = new Set<RegistryListener>();
  readonly trustedIssuers: readonly TrustedIssuerConfig[];

  constructor(
    seed: RegistryConfig,
    private readonly options: SnapshotOptions = {},
  ) {
    this.trustedIssuers = seed.trustedIssuers ?? [];
    seed.resources.forEach((config, i) =>
      this.resourceEntries.set(config.identifier, {
        config,
        document: seed.resourceDocuments?.[i],
      }),
    );
    seed.clients.forEach((config, i) =>
      this.clientEntries.set(config.clientId, { config, document: seed.clientDocuments?.[i] }),
    );
  }

  client(clientId: string): ClientEntry | undefined {
    return this.clientEntries.get(clientId);
  }

  resource(identifier: string): ResourceEntry | undefined {
    return this.resourceEntries.get(identifier);
  }

  clients(): ClientEntry[] {
    return [...this.clientEntries.values()];
  }

  resources(): ResourceEntry[] {
    return [...this.resourceEntries.values()];
  }

  /** Whether `clientId` is taken, by a live client or one waiting for its resources. */
  hasClientId(clientId: string): boolean {
    return this.clientEntries.has(clientId) || this.parked.has(clientId);
  }

  onChange(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates a client document against the current resources (RegistryRejected if not). */
  parseClient(
    document: RegistryDocument,
    resources: readonly ResourceConfig[] = this.resourceConfigs(),
  ): ClientConfig {
    return rejecting(() =>
      parseClientDocument(
        document,
        '$',
        { resources, trustedIssuers: this.trustedIssuers },
        this.options.parse ?? {},
      ),
    );
  }

  /** Validates a resource document, its lifetime against MAX_TOKEN_TTL included. */
  parseResource(document: RegistryDocument): ResourceConfig {
    const resource = rejecting(() => parseResourceDocument(document, '$'));
    const ceiling = this.options.maxTokenTtl;
    if (ceiling !== undefined && resource.accessTokenTtl > ceiling)
      throw new RegistryRejected(
        '$.access_token_ttl',
        `must be at most ${ceiling} seconds (MAX_TOKEN_TTL): revocations are kept no longer`,
      );
    return resource;
  }

  /**
   * The clients that would no longer validate with `resources` instead of the current ones:
   * each with why. Clients built in code (no document) are not checked.
   */
  brokenBy(resources: readonly ResourceConfig[], identifier: string): string[] {
    return this.clients()
      .filter((c) => c.document !== undefined && namesResource(c.document, identifier))
      .flatMap((c) => {
        try {
          this.parseClient(c.document!, resources);
          return [];
        } catch (e) {
          const why = e instanceof RegistryRejected ? `${e.path}: ${e.description}` : String(e);
          return [`client "${c.config.clientId}" (${why})`];
        }
      });
  }

  /** Applies one event of the registry's log (idempotent: the same event twice, the same state). */
  apply(event: RegistryEvent): void {
    const changes: RegistryChange[] = [];
    switch (event.type) {
      case 'client.registered':
      case 'client.updated':
      case 'client.secret_rotated':
        this.putClient(event.data, changes);
        break;
      case 'client.deleted':
        this.parked.delete(event.data.client_id);
        this.removeClient(event.data.client_id, changes);
        break;
      case 'resource.registered':
      case 'resource.updated':
        this.putResource(event.data.identifier, event.data.resource, changes);
        break;
      case 'resource.deleted':
        this.removeResource(event.data.identifier, changes);
        break;
      default:
        return event satisfies never;
    }
    for (const change of changes)
      for (const listener of this.listeners) this.tell(listener, change);
  }

  /** A listener's failure is its own: the change is applied, and every other listener told. */
  private tell(listener: RegistryListener, change: RegistryChange): void {
    try {
      listener(change);
    } catch (e) {
      this.log.error(
        `a listener failed on the change of ${change.kind} ${change.id}: ${describeError(e)}`,
      );
    }
  }

  private putClient(state: ClientStateV1, changes: RegistryChange[]): void {
    const id = state.client_id;
    let config: ClientConfig;
    try {
      config = this.parseClient(state.client);
      if (config.clientId !== id)
        throw new RegistryRejected('$.client_id', 'differs from the event key');
    } catch (e) {
      this.log.warn(`client ${JSON.stringify(id)} parked until it validates: ${describeError(e)}`);
      this.parked.set(id, state);
      this.removeClient(id, changes);
      return;
    }
    this.parked.delete(id);
    const current = this.clientEntries.get(id);
    const before = current?.config;
    // Checked again after a resource changed, and still the same: nothing to tell anyone.
    if (current?.document === state.client && JSON.stringify(before) === JSON.stringify(config))
      return;
    this.clientEntries.set(id, {
      config,
      document: state.client,
      registrationAccessTokenDigest: state.registration_access_token_digest,
      previousSecret:
        state.previous_client_secret_hash !== undefined &&
        state.previous_secret_expires_at !== undefined
          ? { hash: state.previous_client_secret_hash, expiresAt: state.previous_secret_expires_at }
          : undefined,
    });
    changes.push({ kind: 'client', id, before, after: config });
  }

  private removeClient(id: string, changes: RegistryChange[]): void {
    const before = this.clientEntries.get(id)?.config;
    if (!before) return;
    this.clientEntries.delete(id);
    changes.push({ kind: 'client', id, before });
  }

  private putResource(id: string, document: RegistryDocument, changes: RegistryChange[]): void {
    let config: ResourceConfig;
    try {
      config = this.parseResource(document);
      if (config.identifier !== id)
        throw new RegistryRejected('$.identifier', 'differs from the event key');
    } catch (e) {
      // Never written by a writer that checks what this checks: kept out, loudly.
      this.log.error(`resource ${JSON.stringify(id)} refused: ${describeError(e)}`);
      return;
    }
    const before = this.resourceEntries.get(id)?.config;
    this.resourceEntries.set(id, { config, document });
    changes.push({ kind: 'resource', id, before, after: config });
    this.revalidate(id, changes);
  }

  private removeResource(id: string, changes: RegistryChange[]): void {
    const before = this.resourceEntries.get(id)?.config;
    if (!before) return;
    this.resourceEntries.delete(id);
    changes.push({ kind: 'resource', id, before });
    this.revalidate(id, changes);
  }

  /** After a resource changed: its clients checked again, parked ones tried again. */
  private revalidate(identifier: string, changes: RegistryChange[]): void {
    for (const entry of this.clients())
      if (entry.document !== undefined && namesResource(entry.document, identifier))
        this.putClient(stateOf(entry), changes);
    for (const state of [...this.parked.values()]) this.putClient(state, changes);
  }

  private resourceConfigs(): ResourceConfig[] {
    return this.resources().map((r) => r.config);
  }
}
