import { createHmac, randomBytes } from 'node:crypto';

/** Enough for every client of a large deployment, each with a secret mid-rotation. */
export const VERIFIED_SECRET_CACHE_SIZE = 4096;

/**
 * Client secrets that already passed scrypt, so that a legitimate client pays scrypt rarely.
 *
 * - Keyed by an HMAC of client id and secret under a key made at start and never stored: the
 *   cache holds nothing that can be checked offline (a plain digest of a weak secret could be
 *   brute-forced from a memory dump at hash speed), and a lookup costs one HMAC.
 * - Each entry remembers the stored hash it was verified against: once the client's secret
 *   changes, the entry no longer matches and is dropped.
 * - Only successes enter, and at most `maxEntries`, least recently used out first: wrong
 *   secrets cannot grow it.
 */
export class VerifiedSecretCache {
  private readonly key = randomBytes(32);
  /** HMAC → the client and the stored hash the secret was verified against; Map order is recency. */
  private readonly entries = new Map<string, { clientId: string; hash: string }>();

  constructor(private readonly maxEntries = VERIFIED_SECRET_CACHE_SIZE) {}

  get size(): number {
    return this.entries.size;
  }

  /** Whether `secret` passed scrypt for this client's current `storedHash`. */
  has(clientId: string, storedHash: string, secret: string): boolean {
    const mac = this.mac(clientId, secret);
    const verified = this.entries.get(mac);
    if (verified === undefined || verified.hash !== storedHash) return false;
    this.entries.delete(mac);
    this.entries.set(mac, verified);
    return true;
  }

  /** Drops every entry of the client (its registration changed or ended). */
  forget(clientId: string): void {
    for (const [mac, verified] of this.entries)
      if (verified.clientId === clientId) this.entries.delete(mac);
  }

  add(clientId: string, storedHash: string, secret: string): void {
    const mac = this.mac(clientId, secret);
    this.entries.delete(mac);
    this.entries.set(mac, { clientId, hash: storedHash });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  private mac(clientId: string, secret: string): string {
    // The length prefix keeps (id, secret) pairs apart whatever characters they hold.
    return createHmac('sha256', this.key)
      .update(`${clientId.length}:${clientId}:${secret}`)
      .digest('base64url');
  }
}
