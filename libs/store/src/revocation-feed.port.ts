import { KeyNotice, Revocation } from './store.ports';

/** Stream id: entries are ordered by it; a reader resumes after the last one it saw. */
export type RevocationFeedEntry =
  | { readonly id: string; readonly revocation: Revocation }
  | { readonly id: string; readonly key: KeyNotice };

/**
 * The ordered feed of revocations (and signing-key notices) that replicas follow (a Redis stream, trimmed by age). Unlike
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
