import { ExchangeChainNode, ExchangeChainStore } from '../exchange-chain.port';
import { ExpiringMap } from './expiring-map';

interface Entry {
  readonly holders: Set<string>;
  readonly children: Set<string>;
  expiresAt: number;
  revokedUntil: number | null;
}

/** ExchangeChainStore in one process (development, tests): the same contract as Redis. */
export class MemoryExchangeChainStore implements ExchangeChainStore {
  private readonly entries = new ExpiringMap<Entry>();

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

  close(): void {
    this.entries.close();
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
