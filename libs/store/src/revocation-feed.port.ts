import type { TraceHeaders } from '@app/tracing';
import { KeyNotice, Revocation } from './store.ports';

/**
 * Stream id: entries are ordered by it; a reader resumes after the last one it saw. `trace`:
 * the W3C trace context of the operation that wrote the entry, when it was traced.
 */
export type RevocationFeedEntry = (
  | { readonly id: string; readonly revocation: Revocation }
  | { readonly id: string; readonly key: KeyNotice }
) & { readonly trace?: TraceHeaders };

/** What one read of the feed found. */
export interface RevocationFeedBatch {
  readonly entries: RevocationFeedEntry[];
  /**
   * Whether the store held its whole projection (the marker was there) when the read was sent.
   * A store being rebuilt from the log (Redis restarted empty) feeds what it has so far, but
   * only a complete one means the entries read up to now are every live revocation.
   */
  readonly complete: boolean;
}

/**
 * The ordered feed of revocations (and signing-key notices) that replicas follow (a Redis stream, trimmed by age). Unlike
 * pub/sub, a reader that reconnects loses nothing: it reads on from its last id.
 */
export interface RevocationFeed {
  /**
   * Entries after `afterId` (`0` for the oldest retained), waiting up to `blockMs` for the first
   * one; no entries means none arrived in that time. Rejects when the feed is unreachable.
   */
  read(afterId: string, blockMs: number): Promise<RevocationFeedBatch>;
  close(): Promise<void>;
}
