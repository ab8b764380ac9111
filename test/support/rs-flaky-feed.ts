import type { RevocationFeed, RevocationFeedBatch } from '@app/store';

/**
 * A revocation feed that the test can cut off and restore, in front of a real one (the
 * platform's in-memory revocation store). While it is down every read rejects at once, and
 * reads that were blocked waiting when the outage began reject too, as a lost Redis connection
 * does. It never closes the feed it wraps: that belongs to the platform under test.
 */
export class RsFlakyFeed implements RevocationFeed {
  private down = false;
  private readonly pending = new Set<(e: Error) => void>();
  private readCount = 0;

  constructor(private readonly inner: RevocationFeed) {}

  /** Starts an outage. */
  fail(): void {
    this.down = true;
    for (const reject of this.pending) reject(new Error('feed connection lost (test outage)'));
    this.pending.clear();
  }

  /** Ends the outage: the next read reaches the real feed again. */
  recover(): void {
    this.down = false;
  }

  /** Reads attempted so far (successful or not). */
  reads(): number {
    return this.readCount;
  }

  read(afterId: string, blockMs: number): Promise<RevocationFeedBatch> {
    this.readCount++;
    if (this.down) return Promise.reject(new Error('feed unreachable (test outage)'));
    return new Promise<RevocationFeedBatch>((resolve, reject) => {
      const cut = (e: Error) => reject(e);
      this.pending.add(cut);
      this.inner.read(afterId, blockMs).then(
        (batch) => {
          this.pending.delete(cut);
          if (this.down) reject(new Error('feed connection lost (test outage)'));
          else resolve(batch);
        },
        (e: unknown) => {
          this.pending.delete(cut);
          reject(e);
        },
      );
    });
  }

  async close(): Promise<void> {
    this.fail();
  }
}
