import { GrantCursor, GrantPage, GrantRecord, GrantStore } from '../grant.port';
import { ExpiringMap } from './expiring-map';
import { storedCopy } from './stored-copy';

export class MemoryGrantStore implements GrantStore {
  /** Each record the store's own frozen copy (storedCopy): find hands it out as it is. */
  private readonly grants = new ExpiringMap<GrantRecord>();
  /** Per subject: grant id → deadline; the entry lives as long as the subject's last grant. */
  private readonly bySubject = new ExpiringMap<Map<string, number>>();

  async save(grant: GrantRecord, expiresAt: number): Promise<void> {
    if (expiresAt <= Date.now()) return;
    this.grants.set(grant.grantId, storedCopy(grant), expiresAt);
    // Constant time per grant: expired entries are pruned where the index is read (live()), and
    // the index lives until its latest deadline, which a new grant can only move later.
    const index = this.bySubject.get(grant.subject) ?? new Map<string, number>();
    index.set(grant.grantId, expiresAt);
    const until = Math.max(this.bySubject.expiresAt(grant.subject) ?? 0, expiresAt);
    this.bySubject.set(grant.subject, index, until);
  }

  async create(grant: GrantRecord, expiresAt: number): Promise<boolean> {
    if (expiresAt <= Date.now() || this.grants.get(grant.grantId) !== undefined) return false;
    await this.save(grant, expiresAt);
    return true;
  }

  async find(grantId: string): Promise<GrantRecord | null> {
    return this.grants.get(grantId) ?? null;
  }

  async pageBySubject(subject: string, limit: number, after?: GrantCursor): Promise<GrantPage> {
    const entries = this.ordered(subject).filter((e) => after === undefined || isAfter(e, after));
    const grants = await this.records(subject, entries.slice(0, limit));
    const last = entries[limit - 1];
    return entries.length > limit && last !== undefined ? { grants, next: last } : { grants };
  }

  async findRecentBySubject(
    subject: string,
    limit: number,
    clientId?: string,
  ): Promise<GrantRecord[]> {
    const recent = await this.records(subject, latest(this.live(subject), limit));
    return recent
      .filter((g) => clientId === undefined || g.clientId === clientId)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async touch(grantId: string, at: number): Promise<boolean> {
    const grant = await this.find(grantId);
    const deadline = this.grants.expiresAt(grantId);
    if (!grant || deadline === undefined) return false;
    // Only forward, as the Redis adapter: concurrent refreshes may land in any order.
    if (grant.lastUsedAt >= at) return true;
    this.grants.set(grantId, Object.freeze({ ...{}, ...grant, lastUsedAt: at }), deadline);
    return true;
  }

  async delete(grantId: string): Promise<boolean> {
    const grant = this.grants.take(grantId);
    if (grant === undefined) return false;
    const { subject } = grant;
    const index = this.bySubject.get(subject);
    index?.delete(grantId);
    // An index left empty goes; otherwise it keeps its deadline (its entries are pruned on read).
    if (index?.size === 0) this.bySubject.take(subject);
    return true;
  }

  /** The subject's live index entries in the Redis sorted set's order: deadline, then id. */
  private ordered(subject: string): GrantCursor[] {
    return [...this.live(subject)]
      .map(([grantId, expiresAt]) => ({ grantId, expiresAt }))
      .sort(indexOrder);
  }

  /** The grants of these entries that are still there (and still the subject's). */
  private async records(subject: string, entries: GrantCursor[]): Promise<GrantRecord[]> {
    const found = await Promise.all(entries.map((e) => this.find(e.grantId)));
    return found.filter((g): g is GrantRecord => g?.subject === subject);
  }

  /** The subject's index without the grants whose deadline has passed. */
  private live(subject: string): Map<string, number> {
    const index = this.bySubject.get(subject) ?? new Map<string, number>();
    const now = Date.now();
    for (const [grantId, expiresAt] of index) if (expiresAt <= now) index.delete(grantId);
    return index;
  }
}

/** The sorted set's order: deadline (the score), then id. */
function indexOrder(a: GrantCursor, b: GrantCursor): number {
  return a.expiresAt - b.expiresAt || compareBytes(a.grantId, b.grantId);
}

/** Whether the entry comes after the cursor in index order. */
function isAfter(e: GrantCursor, cursor: GrantCursor): boolean {
  return indexOrder(e, cursor) > 0;
}

/**
 * The last `limit` entries in index order (ZREVRANGEBYSCORE … LIMIT 0 limit), ascending, without
 * sorting the whole index: every sign-in asks, and a subject may hold thousands of grants. Kept
 * sorted as it grows; entries mostly arrive in deadline order, so most land at the end.
 */
function latest(index: ReadonlyMap<string, number>, limit: number): GrantCursor[] {
  const kept: GrantCursor[] = [];
  if (limit <= 0) return kept;
  for (const [grantId, expiresAt] of index) {
    const entry = { grantId, expiresAt };
    if (kept.length === limit && indexOrder(entry, kept[0]!) <= 0) continue;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (indexOrder(kept[mid]!, entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, entry);
    if (kept.length > limit) kept.shift();
  }
  return kept;
}

/** Redis orders equal scores by member, bytewise. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
