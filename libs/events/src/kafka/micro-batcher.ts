interface Waiting<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Hands items to `flush` in batches, one batch in flight at a time; each caller's promise
 * settles with its batch. kafkajs sends one produce request per send() and, with the idempotent
 * producer, only one at a time: batching is what lets `acks=all` keep up with token traffic.
 *
 * Batches form on their own under load: whatever arrives while a batch is in flight leaves as
 * the next batch the moment it settles (up to `maxBatch` items). Only an idle batcher waits,
 * `lingerMs` (0: until the current event-loop turn ends) for company, so a quiet service adds no
 * timer to a request's latency and a busy one sends few, large requests.
 */
export class MicroBatcher<T> {
  private pending: Waiting<T>[] = [];
  private cancelLinger: (() => void) | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly lingerMs: number,
    private readonly maxBatch: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      // With a batch in flight, this item leaves when that batch settles.
      if (this.inFlight) return;
      if (this.pending.length >= this.maxBatch) this.send();
      else this.cancelLinger ??= this.linger(() => this.send());
    });
  }

  /** Sends what is pending now and waits until nothing is pending or in flight. */
  async drainAll(): Promise<void> {
    if (!this.inFlight) this.send();
    while (this.inFlight) await this.inFlight;
  }

  private send(): void {
    this.cancelLinger?.();
    this.cancelLinger = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.maxBatch);
    this.inFlight = this.flush(batch.map((w) => w.item))
      .then(
        () => batch.forEach((w) => w.resolve()),
        (e: unknown) => batch.forEach((w) => w.reject(e)),
      )
      .finally(() => {
        this.inFlight = undefined;
        this.send();
      });
  }

  private linger(fn: () => void): () => void {
    if (this.lingerMs === 0) {
      const immediate = setImmediate(fn);
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(fn, this.lingerMs);
    return () => clearTimeout(timer);
  }
}
