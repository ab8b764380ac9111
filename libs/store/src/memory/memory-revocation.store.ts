import { traceHeadersOf, tracingOn } from '@app/tracing';
import { RevocationFeed, RevocationFeedBatch, RevocationFeedEntry } from '../revocation-feed.port';
import { RevocationSet } from '../revocation-set';
import {
  KeyNotice,
  ProjectionMarker,
  Revocation,
  RevocationStore,
  RevocationSubject,
} from '../store.ports';

/** One process's revocations, and the feed of them that in-process mirrors follow. */
export class MemoryRevocationStore implements RevocationStore, RevocationFeed {
  private readonly set = new RevocationSet();
  private readonly feed: RevocationFeedEntry[] = [];
  private readonly waiting = new Set<() => void>();
  private readonly announced = new Set<string>();
  private sequence = 0;
  /** The milliseconds part of the newest id: ids never go back, whatever the wall clock does. */
  private lastMs = 0;

  /**
   * `retentionMs`: the longest token lifetime (the store module passes the configured one).
   * `marker`: the projection marker of this store, which tells the feed's readers whether it is
   * complete, as the Redis feed does; a store without one is its own record, always complete.
   */
  constructor(
    private readonly retentionMs = 86_400_000,
    private readonly marker?: ProjectionMarker,
  ) {}

  /** On the feed only when it changed the set, as the Redis store puts it on its stream. */
  async revoke(r: Revocation): Promise<boolean> {
    if (!this.set.add(r)) return false;
    this.append({ id: this.nextId(), revocation: r });
    return true;
  }

  /**
   * As Redis makes XADD ids: `<ms>-<seq>`, ms never behind the last entry's. A wall clock that
   * steps back (NTP) would otherwise give an id below one a mirror has read, and the mirror,
   * reading after its last id, would never see that revocation.
   */
  private nextId(): string {
    this.lastMs = Math.max(Date.now(), this.lastMs);
    return `${this.lastMs}-${this.sequence++}`;
  }

  /** With the writer's trace context when tracing is on, as the Redis stream's entries. */
  private append(entry: RevocationFeedEntry): void {
    const trace = tracingOn() ? traceHeadersOf() : undefined;
    this.feed.push(trace ? { ...{}, ...entry, trace } : entry);
    this.trim();
    for (const wake of this.waiting) wake();
  }

  async isRevoked(t: RevocationSubject): Promise<boolean> {
    return this.set.covers(t);
  }

  async keyAnnounced(kid: string): Promise<boolean> {
    return this.announced.has(kid);
  }

  async announceKey(notice: KeyNotice): Promise<void> {
    this.announced.add(notice.kid);
    this.append({ id: this.nextId(), key: notice });
  }

  async read(afterId: string, blockMs: number): Promise<RevocationFeedBatch> {
    const complete = this.marker ? await this.marker.present() : true;
    const after = this.entriesAfter(afterId);
    if (after.length > 0 || blockMs <= 0) return { entries: after, complete };
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, blockMs);
      this.waiting.add(wake);
    });
    return { entries: this.entriesAfter(afterId), complete };
  }

  /**
   * The feed is in id order (nextId), so the first entry after `afterId` is found by bisection:
   * a mirror's read costs O(log n) plus what it gets, not a pass over every revocation kept.
   */
  private entriesAfter(afterId: string): RevocationFeedEntry[] {
    let low = 0;
    let high = this.feed.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareIds(this.feed[mid]!.id, afterId) > 0) high = mid;
      else low = mid + 1;
    }
    return this.feed.slice(low);
  }

  async close(): Promise<void> {
    this.set.close();
  }

  /** Like XADD MINID: entries older than the longest token lifetime cannot matter. */
  private trim(): void {
    const oldest = Date.now() - this.retentionMs;
    while (this.feed.length > 0 && Number(this.feed[0]!.id.split('-')[0]) < oldest)
      this.feed.shift();
  }
}

/** Orders Redis-style stream ids `<ms>-<seq>`. */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
