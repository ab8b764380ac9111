import { Inject, Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import {
  ClientStateV1,
  EVENT_FACTORY,
  EventFactory,
  RegistryDocument,
  registryKeyOf,
} from '@app/events';
import { ClientTokensRevoker, RevocationRecorder } from '@app/projection';
import { KeyRing } from '@app/tokens';
import { ClientRegistry } from './client.registry';
import { planSecret } from './client-secret.plan';
import { RegistryFeed } from './registry.feed';
import {
  RegistryConflict,
  RegistryNotFound,
  RegistryRejected,
  RegistryTokenSpent,
} from './registry.errors';
import {
  ClientEntry,
  ClientWriteMeta,
  ClientWritten,
  RegistrationTokenUse,
  SecretRotated,
} from './registry.port';
import { documentOf, overlapOf, registrationOf } from './registry-documents';
import { signable } from './signing-algorithms.check';
import { generateSecret, hashSecret } from './secret-hash';
import { ScryptGate } from './scrypt.gate';

/** A rotation's overlap: long enough to roll a fleet's secret, bounded (RFC 7591 §2 spirit). */
export const MAX_SECRET_OVERLAP_SECONDS = 30 * 86_400;
/**
 * A deleted client's tokens: those issued up to this long after the deletion are covered too,
 * so a replica that issues one before it has applied the deletion (changes reach every replica
 * within the bound docs/architecture.md "Registry" measures) does not leave a live token behind.
 */
export const DELETION_REVOCATION_AHEAD_MS = 2000;

/**
 * The registry's write side: each change validated with CONFIG_FILE's rules against the current
 * resources and trusted issuers, written as an event of `oauth.registry.v1` carrying the whole
 * document (never a plain secret), acknowledged by the log and in effect in this process before
 * it returns. Changes in one process are made one at a time; across replicas the log orders them
 * (the last write of an id wins, as on any compacted log).
 */
@Injectable()
export class RegistryWriter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly registry: ClientRegistry,
    private readonly feed: RegistryFeed,
    private readonly scrypt: ScryptGate,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
    private readonly recorder: RevocationRecorder,
    private readonly clientTokens: ClientTokensRevoker,
    /** What the platform signs with: a resource or client needing another key is refused. */
    @Inject(KeyRing) private readonly keys?: Pick<KeyRing, 'algorithms'>,
  ) {}

  createClient(document: unknown, meta: ClientWriteMeta = {}): Promise<ClientWritten> {
    return this.serially(async () => {
      const doc = documentOf(document);
      const clientId = doc.client_id;
      if (typeof clientId !== 'string' || clientId.length === 0)
        throw new RegistryRejected('$.client_id', 'must be a non-empty string');
      if (this.registry.snapshot.hasClientId(clientId))
        throw new RegistryConflict(`a client with client_id "${clientId}" exists`);
      return this.writeClient('client.registered', doc, undefined, meta);
    });
  }

  replaceClient(clientId: string, document: unknown, meta: ClientWriteMeta = {}) {
    return this.serially(async () => {
      const current = this.existingClient(clientId);
      // A change that spends the token must hand out the next one, or the client would keep
      // a token refused for ten minutes (a caller's bug, not a request's).
      if (meta.authorizedBy && meta.registrationAccessTokenDigest === undefined)
        throw new TypeError('a change spending a registration access token must rotate it');
      // The caller's token before its document: a spent token is refused whatever it sends.
      checkTokenCurrent(current, meta.authorizedBy);
      const doc = documentOf(document);
      if (doc.client_id !== undefined && doc.client_id !== clientId)
        throw new RegistryRejected('$.client_id', 'differs from the client being replaced');
      return this.writeClient(
        'client.updated',
        { ...{}, ...doc, client_id: clientId },
        current,
        meta,
      );
    });
  }

  deleteClient(clientId: string, meta: Pick<ClientWriteMeta, 'authorizedBy'> = {}): Promise<void> {
    return this.serially(async () => {
      const use = meta.authorizedBy;
      checkTokenCurrent(this.existingClient(clientId), use);
      const deleted = this.events.create(
        'client.deleted',
        clientId,
        registryKeyOf('client', clientId),
        {
          client_id: clientId,
        },
      );
      const revoked = this.clientTokens.event(
        clientId,
        'client_deleted',
        Date.now() + DELETION_REVOCATION_AHEAD_MS,
      );
      // Both in one batch of the log: no deleted client keeps a live token, none is revoked
      // without its deletion being recorded beside it.
      await spending(use, () =>
        Promise.all([this.feed.publish(deleted), this.recorder.record([revoked])]),
      );
    });
  }

  rotateClientSecret(clientId: string, options: { overlapSeconds: number }) {
    return this.serially(async (): Promise<SecretRotated> => {
      const current = this.existingClient(clientId);
      const { overlapSeconds } = options;
      if (
        !Number.isInteger(overlapSeconds) ||
        overlapSeconds < 0 ||
        overlapSeconds > MAX_SECRET_OVERLAP_SECONDS
      )
        throw new RegistryRejected(
          '$.overlap_seconds',
          `must be an integer from 0 to ${MAX_SECRET_OVERLAP_SECONDS}`,
        );
      const stored = current.config.secret;
      if (!stored || !current.document)
        throw new RegistryRejected('$', 'the client authenticates without a client secret');
      const clientSecret = generateSecret();
      const [hash, previous] = await Promise.all([
        this.scrypt.run(() => hashSecret(clientSecret)),
        overlapSeconds === 0
          ? undefined
          : stored.kind === 'hash'
            ? stored.value
            : this.scrypt.run(() => hashSecret(stored.value)),
      ]);
      const { client_secret: _plain, ...rest } = current.document;
      const expiresAt = Math.floor(Date.now() / 1000) + overlapSeconds;
      const state: ClientStateV1 = {
        client_id: clientId,
        client: { ...{}, ...rest, client_secret_hash: hash },
        ...registrationOf(current, {}),
        ...(previous === undefined
          ? {}
          : { previous_client_secret_hash: previous, previous_secret_expires_at: expiresAt }),
      };
      this.registry.snapshot.parseClient(state.client);
      await this.feed.publish(
        this.events.create(
          'client.secret_rotated',
          clientId,
          registryKeyOf('client', clientId),
          state,
        ),
      );
      return {
        clientId,
        clientSecret,
        ...(previous === undefined ? {} : { previousSecretExpiresAt: expiresAt }),
      };
    });
  }

  createResource(document: unknown): Promise<RegistryDocument> {
    return this.serially(async () => {
      const doc = documentOf(document);
      const resource = signable(this.keys, this.registry.snapshot.parseResource(doc));
      if (this.registry.resource(resource.identifier))
        throw new RegistryConflict(`a resource with identifier "${resource.identifier}" exists`);
      return this.writeResource('resource.registered', resource.identifier, doc);
    });
  }

  replaceResource(identifier: string, document: unknown): Promise<RegistryDocument> {
    return this.serially(async () => {
      if (!this.registry.resource(identifier))
        throw new RegistryNotFound('no resource has this identifier');
      const doc = documentOf(document);
      if (doc.identifier !== undefined && doc.identifier !== identifier)
        throw new RegistryRejected('$.identifier', 'differs from the resource being replaced');
      const full = { ...{}, ...doc, identifier };
      const resource = signable(this.keys, this.registry.snapshot.parseResource(full));
      const others = this.registry.resources().filter((r) => r.identifier !== identifier);
      const broken = this.registry.snapshot.brokenBy([...others, resource], identifier);
      if (broken.length > 0)
        throw new RegistryRejected('$', `the change would invalidate ${broken.join(', ')}`);
      return this.writeResource('resource.updated', identifier, full);
    });
  }

  /** Refused while a client names the resource: delete or change those clients first. */
  deleteResource(identifier: string): Promise<void> {
    return this.serially(async () => {
      if (!this.registry.resource(identifier))
        throw new RegistryNotFound('no resource has this identifier');
      const others = this.registry.resources().filter((r) => r.identifier !== identifier);
      const broken = this.registry.snapshot.brokenBy(others, identifier);
      if (broken.length > 0)
        throw new RegistryConflict(`the resource is in use: ${broken.join(', ')}`);
      await this.feed.publish(
        this.events.create('resource.deleted', identifier, registryKeyOf('resource', identifier), {
          identifier,
        }),
      );
    });
  }

  private async writeClient(
    type: 'client.registered' | 'client.updated',
    doc: RegistryDocument,
    current: ClientEntry | undefined,
    meta: ClientWriteMeta,
  ): Promise<ClientWritten> {
    const clientId = doc.client_id as string;
    const plan = planSecret(doc, current);
    // Everything checked before a secret costs a scrypt.
    signable(this.keys, this.registry.snapshot.parseClient(plan.candidate));
    const { document, clientSecret } = await plan.finish(this.scrypt);
    const config: ClientConfig = this.registry.snapshot.parseClient(document);
    const state: ClientStateV1 = {
      client_id: config.clientId,
      client: document,
      ...registrationOf(current, meta),
      ...(plan.keepsCurrent ? overlapOf(current) : {}),
    };
    const event = this.events.create(type, clientId, registryKeyOf('client', clientId), state);
    await spending(meta.authorizedBy, () => this.feed.publish(event));
    return {
      clientId,
      document: this.registry.clientDocument(clientId) ?? document,
      ...(clientSecret === undefined ? {} : { clientSecret }),
    };
  }

  private async writeResource(
    type: 'resource.registered' | 'resource.updated',
    identifier: string,
    doc: RegistryDocument,
  ): Promise<RegistryDocument> {
    await this.feed.publish(
      this.events.create(type, identifier, registryKeyOf('resource', identifier), {
        identifier,
        resource: doc,
      }),
    );
    return this.registry.resourceDocument(identifier) ?? doc;
  }

  private existingClient(clientId: string): ClientEntry {
    const entry = this.registry.snapshot.client(clientId);
    if (!entry) throw new RegistryNotFound('no client has this client_id');
    return entry;
  }

  /** One change at a time in this process: each validated against the state the last one left. */
  private serially<T>(change: () => Promise<T>): Promise<T> {
    const next = this.queue.then(change, change);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** RFC 7592 §2.2: a change asked with a token that is no longer the client's is refused. */
function checkTokenCurrent(current: ClientEntry, use: RegistrationTokenUse | undefined): void {
  if (use !== undefined && current.registrationAccessTokenDigest !== use.digest)
    throw new RegistryTokenSpent();
}

/**
 * Writes a change that spends the token it was asked with (once validated: a refused document
 * leaves the token usable). The queue above orders this replica's changes; the claim orders
 * changes made on different replicas, which read the token as current before either was
 * applied. A change that is not written gives its token back.
 */
async function spending<T>(use: RegistrationTokenUse | undefined, write: () => Promise<T>) {
  if (use !== undefined && !(await use.spend())) throw new RegistryTokenSpent();
  try {
    return await write();
  } catch (e) {
    // Best effort: a claim that cannot be given back expires (RegistryClientRegistrations).
    await use?.refund().catch(() => undefined);
    throw e;
  }
}
