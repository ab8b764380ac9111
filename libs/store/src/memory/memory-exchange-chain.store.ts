import { ExchangeChainNode, ExchangeChainStore } from '../exchange-chain.port';
import { ExpiringMap } from './expiring-map';

interface Entry {
  readonly holders: Set<string>;
  readonly children: Set<string>;
  expiresAt: number;
  revokedUntil: number | null;
}

/** An exchange grant made from a client's token: its first exchange, its last deadline. */
interface ExchangedFrom {
  firstAt: number;
  expiresAt: number;
}

/** A subject client's exchange grants, and its size when the expired ones were last dropped. */
interface ClientIndex {
  readonly grants: Map<string, ExchangedFrom>;
  prunedAtSize: number;
}

/** ExchangeChainStore in one process (development, tests): the same contract as Redis. */
export class MemoryExchangeChainStore implements ExchangeChainStore {
  private readonly entries = new ExpiringMap<Entry>();
  /** Per subject client, its exchange grants; each index lives as long as its last grant. */
  private readonly byClient = new ExpiringMap<ClientIndex>();

  hold(grantId: string, clientId: string, expiresAt: number): Promise<number | null> {
    if (expiresAt <= Date.now()) return Promise.resolve(null);
    const entry = this.extend(grantId, expiresAt);
    entry.holders.add(clientId);
    return Promise.resolve(entry.revokedUntil);
  }

  link(parent: string, child: string, expiresAt: number): Promise<number | null> {
    if (expiresAt <= Date.now()) return Promise.resolve(null);
    const entry = this.extend(parent, expiresAt);
    entry.children.add(child);
    return Promise.resolve(entry.revokedUntil);
  }

  revoke(grantId: string, expiresAt: number): Promise<ExchangeChainNode> {
    const entry = this.extend(
      grantId,
      Math.max(expiresAt, this.entries.get(grantId)?.revokedUntil ?? 0),
    );
    entry.revokedUntil = entry.expiresAt;
    return Promise.resolve({
      holders: [...entry.holders],
      children: [...entry.children],
      expiresAt: entry.expiresAt,
    });
  }

  revokeKnown(grantId: string, expiresAt: number): Promise<ExchangeChainNode | null> {
    return this.entries.get(grantId) === undefined
      ? Promise.resolve(null)
      : this.revoke(grantId, expiresAt);
  }

  revokedUntil(grantId: string): Promise<number | null> {
    return Promise.resolve(this.entries.get(grantId)?.revokedUntil ?? null);
  }

  noteExchangedFrom(
    subjectClientId: string,
    grantId: string,
    exchangedAt: number,
    expiresAt: number,
  ): Promise<void> {
    const now = Date.now();
    if (expiresAt <= now) return Promise.resolve();
    const index = this.byClient.get(subjectClientId) ?? { grants: new Map(), prunedAtSize: 0 };
    // The expired grants leave once the index has doubled since they last did: amortized
    // constant time per exchange, where a sweep on every write would be quadratic.
    if (index.grants.size >= 2 * Math.max(index.prunedAtSize, 64)) {
      for (const [id, e] of index.grants) if (e.expiresAt <= now) index.grants.delete(id);
      index.prunedAtSize = index.grants.size;
    }
    const known = index.grants.get(grantId);
    if (known === undefined) index.grants.set(grantId, { firstAt: exchangedAt, expiresAt });
    else {
      known.firstAt = Math.min(known.firstAt, exchangedAt);
      known.expiresAt = Math.max(known.expiresAt, expiresAt);
    }
    const last = Math.max(this.byClient.expiresAt(subjectClientId) ?? 0, expiresAt);
    this.byClient.set(subjectClientId, index, last);
    return Promise.resolve();
  }

  exchangedFrom(clientId: string, upTo: number): Promise<string[]> {
    const now = Date.now();
    const found: string[] = [];
    for (const [id, e] of this.byClient.get(clientId)?.grants ?? [])
      if (e.firstAt <= upTo && e.expiresAt > now) found.push(id);
    return Promise.resolve(found);
  }

  close(): void {
    this.entries.close();
    this.byClient.close();
  }

  private extend(grantId: string, expiresAt: number): Entry {
    const entry = this.entries.get(grantId) ?? {
      holders: new Set<string>(),
      children: new Set<string>(),
      expiresAt: 0,
      revokedUntil: null,
    };
    entry.expiresAt = Math.max(entry.expiresAt, expiresAt);
    this.entries.set(grantId, entry, entry.expiresAt);
    return entry;
  }
}
