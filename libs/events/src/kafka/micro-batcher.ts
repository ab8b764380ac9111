/**
 * Gathers items for at most `lingerMs` or `maxBatch` items, then hands them to `flush` together;
 * each caller's promise settles with its batch. kafkajs sends one request per send(), so
 * batching is what lets `acks=all` keep up with token traffic.
 */
export class MicroBatcher<T> {
  private pending: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly lingerMs: number,
    private readonly maxBatch: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.drain();
      else this.timer ??= setTimeout(() => this.drain(), this.lingerMs);
    });
  }

  /** Sends what is pending now and waits for every batch still in flight. */
  async drainAll(): Promise<void> {
    this.drain();
    await Promise.allSettled([...this.inFlight]);
  }

  private drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const sent = this.flush(batch.map((p) => p.item)).then(
      () => batch.forEach((p) => p.resolve()),
      (e: unknown) => batch.forEach((p) => p.reject(e)),
    );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }
}
