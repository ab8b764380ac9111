import type { KeyNotice } from '@app/store';
import type { RemoteKeySet } from '@app/tokens';

/**
 * Pauses between refetches while a published key is not yet in the set fetched (ms): the
 * replica that answered may not have loaded it yet (issuance replicas reload the signing-key
 * store on the same event). About 8 s in all, far inside any pre-publication delay.
 */
const RETRY_MS = [100, 250, 500, 1000, 2000, 4000] as const;

/**
 * What a validator does with a signing-key notice from the stream it follows (README "Signing
 * keys"): a published key (a KEYS_FILE key, or step `published` of a runtime rotation) is
 * fetched at once, and fetched again until the set holds it; a key that starts signing is
 * fetched if somehow still missing; a removed key is dropped by refetching the set without it.
 */
export class KeyNoticeFollower {
  /** Kids being waited for: a backlog of notices at start waits once per key. */
  private readonly waiting = new Set<string>();
  private closed = false;

  constructor(
    private readonly keys: RemoteKeySet,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  readonly onNotice = (notice: KeyNotice): void => {
    if (notice.step === 'retired') return;
    if (notice.step === 'removed') {
      void this.keys.refresh().catch(this.onError);
      return;
    }
    if (notice.step === 'activated' && this.keys.has(notice.kid)) return;
    void this.fetchUntilHeld(notice.kid);
  };

  close(): void {
    this.closed = true;
  }

  private async fetchUntilHeld(kid: string): Promise<void> {
    if (this.waiting.has(kid)) return;
    this.waiting.add(kid);
    try {
      for (const pause of [0, ...RETRY_MS]) {
        if (pause > 0) await new Promise((r) => setTimeout(r, pause).unref());
        if (this.closed) return;
        try {
          await this.keys.refresh();
        } catch (e) {
          this.onError(e);
        }
        if (this.keys.has(kid)) return;
      }
    } finally {
      this.waiting.delete(kid);
    }
  }
}
