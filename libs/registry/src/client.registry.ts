import { ClientConfig, RegistryConfig, ResourceConfig } from '@app/config';
import { RegistryDocument } from '@app/events';
import { timingSafeEqual } from 'node:crypto';
import { ScryptGate } from './scrypt.gate';
import { DummySecretHashes } from './dummy-secret-hashes';
import {
  ClientRegistration,
  RegistryChange,
  RegistryListener,
  RegistryView,
} from './registry.port';
import { RegistryEvent, RegistrySnapshot, SnapshotOptions } from './registry.snapshot';
import { sha256, verifySecretHash } from './secret-hash';
import { VerifiedSecretCache } from './verified-secret.cache';

/**
 * The clients and resources, looked up by identifier: a live snapshot (RegistrySnapshot) that
 * CONFIG_FILE seeds and the registry's log changes (RegistryFeed), with the client-secret checks
 * over it. Look-ups always answer from the current snapshot: hold a ClientConfig for one
 * request, never longer.
 */
export class ClientRegistry implements RegistryView {
  readonly snapshot: RegistrySnapshot;
  private readonly verified = new VerifiedSecretCache();
  /** What a refused secret costs when there is no real hash; rebuilt when a client changes. */
  private dummies?: DummySecretHashes;
  /** SHA-256 of each plain (development) secret, computed once per client version. */
  private readonly plainDigests = new Map<string, Buffer>();

  /** `scrypt`: the process's gate on scrypt computations (SCRYPT_CONCURRENCY at a time). */
  constructor(
    config: RegistryConfig,
    private readonly scrypt = new ScryptGate(2),
    options: SnapshotOptions = {},
  ) {
    this.snapshot = new RegistrySnapshot(config, options);
    // Before any other listener: a changed client's cached secrets are gone when they run.
    this.snapshot.onChange((change) => this.forget(change));
  }

  client(clientId: string): ClientConfig | undefined {
    return this.snapshot.client(clientId)?.config;
  }

  resource(identifier: string): ResourceConfig | undefined {
    return this.snapshot.resource(identifier)?.config;
  }

  clients(): readonly ClientConfig[] {
    return this.snapshot.clients().map((c) => c.config);
  }

  resources(): readonly ResourceConfig[] {
    return this.snapshot.resources().map((r) => r.config);
  }

  clientDocument(clientId: string): RegistryDocument | undefined {
    const document = this.snapshot.client(clientId)?.document;
    if (!document) return undefined;
    // A plain development secret from CONFIG_FILE is never shown (the log never holds one).
    const { client_secret: _plain, ...shown } = document;
    return shown;
  }

  resourceDocument(identifier: string): RegistryDocument | undefined {
    return this.snapshot.resource(identifier)?.document;
  }

  registration(clientId: string): ClientRegistration | undefined {
    const entry = this.snapshot.client(clientId);
    if (!entry) return undefined;
    return entry.registrationAccessTokenDigest === undefined
      ? {}
      : { registrationAccessTokenDigest: entry.registrationAccessTokenDigest };
  }

  onChange(listener: RegistryListener): () => void {
    return this.snapshot.onChange(listener);
  }

  /** Applies one event of the registry's log (RegistryFeed, and the writer in one process). */
  apply(event: RegistryEvent): void {
    this.snapshot.apply(event);
  }

  /**
   * Whether `secret` is the client's (`clientId`: the id presented, for an unknown client).
   * Every refusal costs one scrypt: an unknown client, one without a secret, or a wrong plain
   * secret is checked against a dummy hash like the registered ones (DummySecretHashes), so the
   * time a refusal takes does not tell which client ids exist. While a rotated secret's overlap
   * lasts, the previous secret is accepted too (a wrong secret then costs a second scrypt).
   * Throws SecretCheckBusy when too many scrypt computations are already waiting.
   */
  async secretMatches(
    client: ClientConfig | undefined,
    secret: string,
    clientId = client?.clientId ?? '',
  ): Promise<boolean> {
    const stored = client?.secret;
    if (!client || !stored) return this.refuse(clientId, secret);
    if (stored.kind === 'plain')
      return (
        timingSafeEqual(sha256(secret), this.plainDigest(client)) ||
        (await this.hashMatches(client.clientId, this.previousHash(client), secret)) ||
        this.refuse(clientId, secret)
      );
    return (
      (await this.hashMatches(client.clientId, stored.value, secret)) ||
      this.hashMatches(client.clientId, this.previousHash(client), secret)
    );
  }

  /**
   * Whether `secret` is the client's, as far as that is known without scrypt: a plain
   * (development) secret, or a hashed one that already passed scrypt against the client's
   * current hash (or its previous one, during a rotation's overlap). One digest or HMAC, so
   * callers may let it through where they would refuse to pay for a full check. False means
   * "not known this cheaply", not "wrong".
   */
  recognises(client: ClientConfig, secret: string): boolean {
    const stored = client.secret;
    if (!stored) return false;
    const previous = this.previousHash(client);
    if (previous !== undefined && this.verified.has(client.clientId, previous, secret)) return true;
    if (stored.kind === 'plain') return timingSafeEqual(sha256(secret), this.plainDigest(client));
    return this.verified.has(client.clientId, stored.value, secret);
  }

  private async hashMatches(clientId: string, hash: string | undefined, secret: string) {
    if (hash === undefined) return false;
    if (this.verified.has(clientId, hash, secret)) return true;
    const ok = await this.scrypt.run(() => verifySecretHash(secret, hash));
    if (ok) this.verified.add(clientId, hash, secret);
    return ok;
  }

  /** The previous secret's hash while its overlap lasts, for the client's current version. */
  private previousHash(client: ClientConfig): string | undefined {
    const entry = this.snapshot.client(client.clientId);
    if (entry?.config !== client || !entry.previousSecret) return undefined;
    return Date.now() < entry.previousSecret.expiresAt * 1000
      ? entry.previousSecret.hash
      : undefined;
  }

  private async refuse(clientId: string, secret: string): Promise<false> {
    await this.scrypt.run(() => verifySecretHash(secret, this.dummyHashes().for(clientId)));
    return false;
  }

  private dummyHashes(): DummySecretHashes {
    this.dummies ??= new DummySecretHashes(
      this.clients().flatMap((c) => (c.secret?.kind === 'hash' ? [c.secret.value] : [])),
    );
    return this.dummies;
  }

  /** A changed or deleted client's cached secrets go with its old version. */
  private forget(change: RegistryChange): void {
    if (change.kind !== 'client') return;
    this.plainDigests.delete(change.id);
    this.verified.forget(change.id);
    if (change.before?.secret !== change.after?.secret) this.dummies = undefined;
  }

  /** Comparing digests makes the check constant-time whatever the lengths. */
  private plainDigest(client: ClientConfig): Buffer {
    let d = this.plainDigests.get(client.clientId);
    if (!d) {
      d = sha256(client.secret!.value);
      this.plainDigests.set(client.clientId, d);
    }
    return d;
  }
}
