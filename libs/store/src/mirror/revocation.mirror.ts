import type { MirrorMetrics } from '@app/metrics';
import { tracingOn } from '@app/tracing';
import { applyInSpan } from './mirror-trace';
import { RevocationFeed, RevocationFeedEntry } from '../revocation-feed.port';
import { RevocationSet } from '../revocation-set';
import { KeyNotice, Revocation, RevocationSubject } from '../store.ports';

export interface MirrorOptions {
  /** Longer than this without confirming it is current, the mirror refuses to answer. */
  readonly stalenessBudgetMs?: number;
  /** How long one blocking read waits; each answer confirms the mirror is current. */
  readonly blockMs?: number;
  /** Pause before reading again after the feed failed. */
  readonly retryDelayMs?: number;
  readonly onError?: (e: unknown) => void;
  /** Lag, staleness, size and read failures, in the host's registry (libs/resource-server). */
  readonly metrics?: MirrorMetrics;
}

/** The mirror could not confirm it is current within its staleness budget. */
export class MirrorStale extends Error {
  constructor(readonly staleForMs: number) {
    super(`revocation state unconfirmed for ${staleForMs} ms`);
    this.name = 'MirrorStale';
  }
}

/**
 * A replica's in-memory copy of every live revocation, so a token is checked without a round
 * trip. Built from the oldest retained entry of the feed, then followed with blocking reads that
 * return the moment a revocation is written; after a lost connection it resumes from its last
 * id, so nothing is missed. Memory is bounded: an entry leaves when its tokens have expired.
 * Only a read of a complete projection confirms it current: a replica that starts, or goes on
 * following, while the store is rebuilt from the log takes in what is there but stays stale.
 */
export class RevocationMirror {
  private readonly set = new RevocationSet();
  private readonly listeners = new Set<(r: Revocation) => void>();
  private readonly keyListeners = new Set<(k: KeyNotice) => void>();
  private lastId = '0';
  private confirmedAt = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly feed: RevocationFeed,
    private readonly options: MirrorOptions = {},
  ) {
    options.metrics?.watch({
      staleForMs: () => (this.confirmedAt === 0 ? Infinity : this.staleFor()),
      stalenessBudgetMs: this.budgetMs,
      size: () => this.set.size,
    });
  }

  /** Reads everything retained, then keeps following in the background. */
  async start(): Promise<void> {
    await this.catchUp();
    this.running = true;
    this.loop = this.follow();
  }

  /** Throws MirrorStale when the mirror cannot vouch for being current. */
  isRevoked(t: RevocationSubject): boolean {
    const staleFor = this.staleFor();
    if (staleFor > this.budgetMs) throw new MirrorStale(staleFor);
    return this.set.covers(t);
  }

  /** Whether it was confirmed current within its staleness budget: the replica's readiness. */
  get current(): boolean {
    return this.staleFor() <= this.budgetMs;
  }

  /** Called for every revocation as it arrives (caches built on token state listen here). */
  onRevocation(listener: (r: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when the issuer announces a signing key (verifiers refresh their key set). */
  onKeyNotice(listener: (k: KeyNotice) => void): () => void {
    this.keyListeners.add(listener);
    return () => this.keyListeners.delete(listener);
  }

  get size(): number {
    return this.set.size;
  }

  /** Stops following; the feed belongs to the caller (closing it first ends a blocked read). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop?.catch(() => undefined);
    this.set.close();
  }

  private staleFor(): number {
    return Date.now() - this.confirmedAt;
  }

  private get budgetMs(): number {
    return this.options.stalenessBudgetMs ?? 2000;
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const sentAt = Date.now();
      const { entries, complete } = await this.feed.read(this.lastId, 0);
      this.apply(entries);
      if (entries.length === 0) {
        if (complete) this.confirmedAt = sentAt;
        return;
      }
    }
  }

  private async follow(): Promise<void> {
    while (this.running) {
      // Current as of the moment the read was sent: anything later arrives with the next read.
      const sentAt = Date.now();
      try {
        const { entries, complete } = await this.feed.read(
          this.lastId,
          this.options.blockMs ?? 1000,
        );
        this.apply(entries, true);
        if (complete) this.confirmedAt = sentAt;
      } catch (e) {
        if (!this.running) return;
        this.options.metrics?.readFailed();
        this.options.onError?.(e);
        await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 100));
      }
    }
  }

  /** `following`: read as they came, so their age is the mirror's lag (not so at catch-up). */
  private apply(entries: RevocationFeedEntry[], following = false): void {
    for (const entry of entries) {
      this.lastId = entry.id;
      // The stream id's first part is when Redis appended the entry (`<ms>-<seq>`).
      if (following) this.options.metrics?.applied(Number(entry.id.split('-')[0]));
      // A traced entry is applied in a span of the writer's trace (the revocation's request).
      if (entry.trace && tracingOn()) this.applyTraced(entry);
      else this.applyOne(entry);
    }
  }

  /** Its own method: a closure in the loop above would allocate a scope per entry, traced or not. */
  private applyTraced(entry: RevocationFeedEntry): void {
    applyInSpan(entry, () => this.applyOne(entry));
  }

  private applyOne(entry: RevocationFeedEntry): void {
    if ('key' in entry) {
      for (const listener of this.keyListeners) listener(entry.key);
      return;
    }
    if (entry.revocation.expiresAt <= Date.now()) return;
    this.set.add(entry.revocation);
    for (const listener of this.listeners) listener(entry.revocation);
  }
}
