import { ClientConfig, RegistryConfig, ResourceConfig } from '@app/config';
import { timingSafeEqual } from 'node:crypto';
import { sha256, verifySecretHash } from './secret-hash';

/** The configured clients and resources, looked up by identifier. */
export class ClientRegistry {
  private readonly clients: Map<string, ClientConfig>;
  private readonly resources: Map<string, ResourceConfig>;
  /**
   * SHA-256 of the last secret that passed scrypt, per client: a repeat is checked in constant
   * time without paying scrypt again. Safe because client secrets are high-entropy (a fast hash
   * of a 128-bit secret is not brute-forceable); a changed secret simply misses the cache.
   */
  private readonly verified = new Map<string, Buffer>();
  /** SHA-256 of each plain (development) secret, computed once. */
  private readonly plainDigests = new Map<string, Buffer>();

  constructor(config: RegistryConfig) {
    this.clients = new Map(config.clients.map((c) => [c.clientId, c]));
    this.resources = new Map(config.resources.map((r) => [r.identifier, r]));
  }

  client(clientId: string): ClientConfig | undefined {
    return this.clients.get(clientId);
  }

  resource(identifier: string): ResourceConfig | undefined {
    return this.resources.get(identifier);
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

  async secretMatches(client: ClientConfig, secret: string): Promise<boolean> {
    const stored = client.secret;
    if (!stored) return false;
    const digest = sha256(secret);
    if (stored.kind === 'plain') return timingSafeEqual(digest, this.plainDigest(client));
    const cached = this.verified.get(client.clientId);
    if (cached && timingSafeEqual(cached, digest)) return true;
    const ok = await verifySecretHash(secret, stored.value);
    if (ok) this.verified.set(client.clientId, digest);
    return ok;
  }
}
