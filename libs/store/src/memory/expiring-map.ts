/**
 * A map whose entries vanish at their deadline (ms since the epoch), like Redis keys set with
 * PXAT: reads never see an expired entry, and a periodic sweep keeps memory bounded by the
 * live entries.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(sweepEveryMs = 10_000) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    if (expiresAt <= Date.now()) this.entries.delete(key);
    else this.entries.set(key, { value, expiresAt });
  }

  /** SET NX semantics: false when a live entry already holds the key. */
  setIfAbsent(key: string, value: V, expiresAt: number): boolean {
    if (this.get(key) !== undefined) return false;
    this.set(key, value, expiresAt);
    return true;
  }

  /** GETDEL semantics: removes the key and returns the live value it held, if any. */
  take(key: string): V | undefined {
    const value = this.get(key);
    this.entries.delete(key);
    return value;
  }

  /** The deadline of a live entry (PEXPIRETIME). */
  expiresAt(key: string): number | undefined {
    return this.get(key) === undefined ? undefined : this.entries.get(key)?.expiresAt;
  }

  get size(): number {
    return this.entries.size;
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
