import { calculateJwkThumbprint, importJWK, JWK, JWTHeaderParameters, KeyLike } from 'jose';
import { fetchJwks, JwksFetchOptions } from './jwks.fetcher';
import { verificationAlgorithms } from './public-jwk';

export interface CachedJwksOptions extends JwksFetchOptions {
  /** The algorithms keys may verify with (an allow-list: never the token's `alg` alone). */
  readonly algorithms: readonly string[];
  /** A fetched set is used this long before the next use fetches it again (default 10 min). */
  readonly ttlMs?: number;
  /**
   * How long past its TTL a set stays in use while fetching it again fails (default 0: an
   * expired set whose refresh fails is dropped). An issuer's set may be kept (Infinity): a
   * resource server keeps validating while the issuer is down.
   */
  readonly staleMs?: number;
  /** Unknown `kid`s and keys that fail to verify refetch at most this often (default 30 s). */
  readonly minRefreshIntervalMs?: number;
  /** Back-off after a failed fetch: doubles from `initialMs` up to `maxMs` (1 s to 60 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** The key set could not be fetched: a token naming a key not held cannot be judged now. */
export class KeySetUnavailable extends Error {
  constructor(cause: unknown) {
    super('the key set is unavailable', { cause });
    this.name = 'KeySetUnavailable';
  }
}

/** One published key, identified by its `kid` AND its RFC 7638 thumbprint. */
interface Entry {
  readonly id: string;
  readonly kid: string | undefined;
  readonly jwk: JWK;
  readonly algorithms: readonly string[];
  /** Imported once per algorithm: the same material keeps the same KeyLike across refreshes. */
  readonly imported: Map<string, Promise<KeyLike | undefined>>;
  readonly keys: Set<KeyLike>;
}

const DEFAULT_TTL_MS = 10 * 60_000;
const DEFAULT_MIN_REFRESH_MS = 30_000;
const DEFAULT_BACKOFF = { initialMs: 1000, maxMs: 60_000 };

/**
 * The keys at one `jwks_uri`, fetched with the bounded fetcher and cached: refetched after
 * `ttlMs`, on an unknown `kid` and on a key that no longer verifies (both rate-limited: a flood
 * of forged tokens is no fetch storm), never while backing off from a failure (a failing URI is
 * not asked again on every request), and one fetch at a time.
 */
export class CachedJwks {
  private entries: readonly Entry[] = [];
  private fetchedAt: number | undefined;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  private retryAt = 0;
  private inFlight: Promise<void> | undefined;
  private fetches = 0;

  constructor(
    readonly uri: string,
    private readonly options: CachedJwksOptions,
  ) {}

  /** The key for a JWS header, or undefined when the set holds none for it (RFC 7515 §4.1.4). */
  async verificationKey(header: JWTHeaderParameters): Promise<KeyLike | undefined> {
    await this.ensureCurrent();
    if (!this.find(header) && this.mayFetch(Date.now())) await this.refresh();
    return this.currentKey(header);
  }

  /**
   * `rejected` did not verify a signature: the key behind its `kid` may have been replaced
   * (same `kid`, new material). Refetch, rate-limited like an unknown `kid`, and answer the key
   * the set now holds if it differs, else undefined.
   */
  async replacementKey(
    header: JWTHeaderParameters,
    rejected: KeyLike,
  ): Promise<KeyLike | undefined> {
    // A refresh since `rejected` was handed out may already hold the new key.
    const current = await this.currentKey(header);
    if (current !== rejected) return current;
    if (!this.mayFetch(Date.now())) return undefined;
    await this.refresh();
    const key = await this.currentKey(header);
    return key === rejected ? undefined : key;
  }

  /** Whether the set still holds exactly `key` under `kid` (not withdrawn, not replaced). */
  holds(kid: string, key: KeyLike): boolean {
    return this.entries.some((e) => e.kid === kid && e.keys.has(key));
  }

  has(kid: string): boolean {
    return this.entries.some((e) => e.kid === kid);
  }

  fetchCount(): number {
    return this.fetches;
  }

  /** Fetches the set now (joining a fetch in flight); the rate limit is the caller's. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchSet().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Fetches an expired set; a set within its stale allowance is refreshed in the background. */
  private async ensureCurrent(): Promise<void> {
    const now = Date.now();
    const ttl = this.options.ttlMs ?? DEFAULT_TTL_MS;
    if (this.fetchedAt !== undefined && now - this.fetchedAt < ttl) return;
    const servable =
      this.fetchedAt !== undefined && now - this.fetchedAt < ttl + (this.options.staleMs ?? 0);
    if (!servable) this.entries = [];
    // Backing off from a failure: no fetch, the lookup finds what is held (perhaps nothing).
    if (this.failures > 0 && now < this.retryAt) return;
    if (servable) void this.refresh().catch(() => undefined);
    else await this.refresh();
  }

  /** Never while backing off; otherwise at most once per minimum refresh interval. */
  private mayFetch(now: number): boolean {
    if (this.inFlight) return true;
    if (this.failures > 0) return now >= this.retryAt;
    const min = this.options.minRefreshIntervalMs ?? DEFAULT_MIN_REFRESH_MS;
    return now - this.lastAttemptAt >= min;
  }

  private find(header: JWTHeaderParameters): Entry | undefined {
    const alg = header.alg;
    if (alg === undefined) return undefined;
    const matching = this.entries.filter(
      (e) => e.algorithms.includes(alg) && (header.kid === undefined || e.kid === header.kid),
    );
    // Without a `kid` the header must single out one key: several candidates are refused.
    return header.kid === undefined && matching.length > 1 ? undefined : matching[0];
  }

  private async currentKey(header: JWTHeaderParameters): Promise<KeyLike | undefined> {
    const entry = this.find(header);
    return entry && this.imported(entry, header.alg!);
  }

  private imported(entry: Entry, alg: string): Promise<KeyLike | undefined> {
    let key = entry.imported.get(alg);
    if (!key) {
      key = importJWK(entry.jwk, alg).then(
        (k) => {
          entry.keys.add(k as KeyLike);
          return k as KeyLike;
        },
        () => undefined, // not a valid key of its type (e.g. a point off the curve)
      );
      entry.imported.set(alg, key);
    }
    return key;
  }

  private async fetchSet(): Promise<void> {
    const startedAt = Date.now();
    this.lastAttemptAt = startedAt;
    this.fetches++;
    try {
      this.entries = await this.toEntries(await fetchJwks(this.uri, this.options));
      this.fetchedAt = startedAt;
      this.failures = 0;
    } catch (e) {
      const backoff = this.options.backoff ?? DEFAULT_BACKOFF;
      this.retryAt =
        Date.now() + Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(this.failures, 30));
      this.failures++;
      throw new KeySetUnavailable(e);
    }
  }

  /** Keeps the entry (and its imported keys) of every key whose `kid` and thumbprint are known. */
  private async toEntries(jwks: readonly Record<string, unknown>[]): Promise<Entry[]> {
    const known = new Map(this.entries.map((e) => [e.id, e]));
    const next: Entry[] = [];
    for (const raw of jwks) {
      const algorithms = verificationAlgorithms(raw, this.options.algorithms);
      if (algorithms.length === 0) continue;
      const jwk = raw as unknown as JWK;
      const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
      let thumbprint: string;
      try {
        thumbprint = await calculateJwkThumbprint(jwk);
      } catch {
        continue; // members missing or malformed: not a usable key
      }
      const id = `${kid ?? ''} ${thumbprint} ${algorithms.join(',')}`;
      next.push(
        known.get(id) ?? { id, kid, jwk, algorithms, imported: new Map(), keys: new Set() },
      );
    }
    return next;
  }
}
