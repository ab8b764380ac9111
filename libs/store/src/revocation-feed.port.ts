import { Revocation } from './store.ports';

export interface RevocationFeedEntry {
  /** Stream id: entries are ordered by it; a reader resumes after the last one it saw. */
  readonly id: string;
  readonly revocation: Revocation;
}

/**
 * The ordered feed of revocations that replicas follow (a Redis stream, trimmed by age). Unlike
 * pub/sub, a reader that reconnects loses nothing: it reads on from its last id.
 */
export interface RevocationFeed {
  /**
   * Entries after `afterId` (`0` for the oldest retained), waiting up to `blockMs` for the first
   * one; an empty answer means none arrived in that time. Rejects when the feed is unreachable.
   */
  read(afterId: string, blockMs: number): Promise<RevocationFeedEntry[]>;
  close(): Promise<void>;
}
