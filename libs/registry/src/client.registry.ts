import { ClientConfig, RegistryConfig, ResourceConfig } from '@app/config';
import { timingSafeEqual } from 'node:crypto';
import { ScryptGate } from './scrypt.gate';
import { DummySecretHashes } from './dummy-secret-hashes';
import { sha256, verifySecretHash } from './secret-hash';
import { VerifiedSecretCache } from './verified-secret.cache';

/** The configured clients and resources, looked up by identifier. */
export class ClientRegistry {
  private readonly clients: Map<string, ClientConfig>;
  private readonly resources: Map<string, ResourceConfig>;
  private readonly verified = new VerifiedSecretCache();
  /** What a refused secret costs when there is no real hash to check it against. */
  private readonly dummyHashes: DummySecretHashes;
  /** SHA-256 of each plain (development) secret, computed once. */
  private readonly plainDigests = new Map<string, Buffer>();

  /** `scrypt`: the process's gate on scrypt computations (SCRYPT_CONCURRENCY at a time). */
  constructor(
    config: RegistryConfig,
    private readonly scrypt = new ScryptGate(2),
  ) {
    this.clients = new Map(config.clients.map((c) => [c.clientId, c]));
    this.resources = new Map(config.resources.map((r) => [r.identifier, r]));
    this.dummyHashes = new DummySecretHashes(
      config.clients.flatMap((c) => (c.secret?.kind === 'hash' ? [c.secret.value] : [])),
    );
  }

  client(clientId: string): ClientConfig | undefined {
    return this.clients.get(clientId);
  }

  resource(identifier: string): ResourceConfig | undefined {
    return this.resources.get(identifier);
  }

  /**
   * Whether `secret` is the client's (`clientId`: the id presented, for an unknown client).
   * Every refusal costs one scrypt: an unknown client, one without a secret, or a wrong plain
   * secret is checked against a dummy hash like the registered ones (DummySecretHashes), so the
   * time a refusal takes does not tell which client ids exist.
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
        timingSafeEqual(sha256(secret), this.plainDigest(client)) || this.refuse(clientId, secret)
      );
    if (this.verified.has(client.clientId, stored.value, secret)) return true;
    const ok = await this.scrypt.run(() => verifySecretHash(secret, stored.value));
    if (ok) this.verified.add(client.clientId, stored.value, secret);
    return ok;
  }

  /**
   * Whether `secret` is the client's, as far as that is known without scrypt: a plain
   * (development) secret, or a hashed one that already passed scrypt against the client's
   * current hash. One digest or HMAC, so callers may let it through where they would refuse to
   * pay for a full check. False means "not known this cheaply", not "wrong".
   */
  recognises(client: ClientConfig, secret: string): boolean {
    const stored = client.secret;
    if (!stored) return false;
    if (stored.kind === 'plain') return timingSafeEqual(sha256(secret), this.plainDigest(client));
    return this.verified.has(client.clientId, stored.value, secret);
  }

  private async refuse(clientId: string, secret: string): Promise<false> {
    await this.scrypt.run(() => verifySecretHash(secret, this.dummyHashes.for(clientId)));
    return false;
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
