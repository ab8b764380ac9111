/**
 * Entries a sweep examines per turn of the event loop. A whole pass at once stalled every request
 * of the process: 17-51 ms for a million entries on this project's 2-core machine (a resource
 * server's mirror of live revocations, the standalone server's opaque tokens after a busy hour).
 * A thousand entries take about 0.05 ms.
 */
export const SWEEP_SLICE = 1_000;

/**
 * Maps an ExpiringMap spreads its entries over. A JavaScript Map grows by rehashing every entry
 * into a table twice the size, at once: on the 2-core machine 38 ms at 262 144 entries, 80 ms at
 * 524 288 and 165 ms at 1 048 576 (`node`, digest keys), every request of the process waiting
 * meanwhile; a map shrinks the same way as a sweep empties it. Redis rehashes its dictionaries
 * incrementally for the same reason. With 64 maps each rehash moves a sixty-fourth of the entries
 * (1.6 ms at half a million, 3.3 ms at a million), and a store of a few entries costs 64 empty maps.
 */
export const SHARDS = 64;

/**
 * The map a key lives in: a hash of its last eight characters. Every large store here is keyed by
 * something random at its end (a token digest, a `jti`, a grant id, a session id), behind a fixed
 * prefix at most; sequential ids differ there too. Cheap, since every read computes it.
 */
export function shardOf(key: string): number {
  let hash = 0;
  for (let i = Math.max(0, key.length - 8); i < key.length; i++)
    hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
  // Folds the high bits in, so that the last character alone does not choose the map.
  return (hash ^ (hash >>> 7) ^ (hash >>> 14)) & (SHARDS - 1);
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/**
 * A map whose entries vanish at their deadline (ms since the epoch), like Redis keys set with
 * PXAT: reads never see an expired entry, and a periodic sweep keeps memory bounded by the
 * live entries. The sweep runs in slices of SWEEP_SLICE entries, one per turn, as Redis' own
 * active expiry does its work in bounded cycles: requests wait at most one slice. The entries are
 * spread over SHARDS maps, so that no growth or shrink rehashes them all in one go.
 */
export class ExpiringMap<V> {
  private readonly shards = Array.from({ length: SHARDS }, () => new Map<string, Entry<V>>());
  private readonly sweeper: NodeJS.Timeout;
  /** The pass in progress, one map after the other (see sweepSlice); undefined between passes. */
  private pass: Iterator<[string, Entry<V>]> | undefined;
  private passShard = 0;
  private nextSlice: NodeJS.Immediate | undefined;

  constructor(sweepEveryMs = 10_000) {
    this.sweeper = setInterval(() => this.startPass(), sweepEveryMs);
    this.sweeper.unref();
  }

  get(key: string): V | undefined {
    return this.live(this.shardFor(key), key)?.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    const shard = this.shardFor(key);
    if (expiresAt <= Date.now()) shard.delete(key);
    else shard.set(key, { value, expiresAt });
  }

  /** SET NX semantics: false when a live entry already holds the key. */
  setIfAbsent(key: string, value: V, expiresAt: number): boolean {
    const shard = this.shardFor(key);
    if (this.live(shard, key)) return false;
    if (expiresAt > Date.now()) shard.set(key, { value, expiresAt });
    return true;
  }

  /** GETDEL semantics: removes the key and returns the live value it held, if any. */
  take(key: string): V | undefined {
    const shard = this.shardFor(key);
    const entry = this.live(shard, key);
    if (entry) shard.delete(key);
    return entry?.value;
  }

  /** The deadline of a live entry (PEXPIRETIME). */
  expiresAt(key: string): number | undefined {
    return this.live(this.shardFor(key), key)?.expiresAt;
  }

  get size(): number {
    let size = 0;
    for (const shard of this.shards) size += shard.size;
    return size;
  }

  /** The entry count of each map the entries are spread over (for the spec of the spread). */
  shardSizes(): number[] {
    return this.shards.map((shard) => shard.size);
  }

  close(): void {
    clearInterval(this.sweeper);
    if (this.nextSlice) clearImmediate(this.nextSlice);
    this.nextSlice = undefined;
    this.pass = undefined;
  }

  /** The key's entry when live; an expired one is deleted on the way, as Redis does on access. */
  private live(shard: Map<string, Entry<V>>, key: string): Entry<V> | undefined {
    const entry = shard.get(key);
    if (entry === undefined || entry.expiresAt > Date.now()) return entry;
    shard.delete(key);
    return undefined;
  }

  private shardFor(key: string): Map<string, Entry<V>> {
    return this.shards[shardOf(key)]!; // shardOf is below SHARDS, the length of shards
  }

  /** A pass still going when the next one is due goes on: two would examine entries twice. */
  private startPass(): void {
    if (this.pass) return;
    this.passShard = 0;
    this.pass = this.shards[0]!.entries();
    this.sweepSlice();
  }

  /**
   * Examines the next SWEEP_SLICE entries of the pass, across maps. A Map iterator survives the
   * deletions and reaches entries added to its map meanwhile; an entry added to a map the pass
   * has left is examined by the next pass (reads never return it once expired either way).
   */
  private sweepSlice(): void {
    this.nextSlice = undefined;
    let pass = this.pass;
    if (!pass) return;
    const now = Date.now();
    for (let n = 0; n < SWEEP_SLICE;) {
      const next = pass.next();
      if (next.done) {
        if (++this.passShard === SHARDS) {
          this.pass = undefined;
          return;
        }
        pass = this.pass = this.shards[this.passShard]!.entries();
        continue;
      }
      n++;
      const [key, entry] = next.value;
      if (entry.expiresAt <= now) this.shards[this.passShard]!.delete(key);
    }
    // After the I/O of this turn: the requests read meanwhile go first.
    this.nextSlice = setImmediate(() => this.sweepSlice());
    this.nextSlice.unref();
  }
}
