import { importJWK, JWK, JWTHeaderParameters, KeyLike } from 'jose';
import { SigningAlg, SIGNING_ALGS } from '@app/config';
import { VerificationKeys } from './verification-keys';

export interface RemoteKeySetOptions {
  /** Unknown `kid`s refetch the set at most this often: a flood of forged kids is no fetch storm. */
  readonly minRefreshIntervalMs?: number;
  readonly fetchTimeoutMs?: number;
  readonly algorithms?: readonly SigningAlg[];
  readonly fetch?: typeof fetch;
}

const RETRY_AFTER_FAILURE_MS = 1000;

/** The key set could not be fetched: a token signed by a new key cannot be judged now (503). */
export class KeySetUnavailable extends Error {
  constructor(cause: unknown) {
    super('the issuer key set is unavailable', { cause });
    this.name = 'KeySetUnavailable';
  }
}

interface Entry {
  readonly alg: string;
  readonly key: KeyLike;
}

/**
 * The issuer's public keys fetched from its `jwks_uri`, imported once per key. Refreshed when a
 * token names an unknown `kid` (rate-limited, one fetch in flight) and at once on a key-rotation
 * notice (`refresh()`).
 */
export class RemoteKeySet implements VerificationKeys {
  private keys = new Map<string, Entry>();
  private lastFetchAt = 0;
  private inFlight: Promise<void> | undefined;
  private fetches = 0;

  constructor(
    private readonly url: string,
    private readonly options: RemoteKeySetOptions = {},
  ) {}

  async verificationKey(header: JWTHeaderParameters): Promise<KeyLike | undefined> {
    if (header.kid === undefined) return undefined;
    let entry = this.keys.get(header.kid);
    if (!entry && Date.now() - this.lastFetchAt >= this.minRefreshMs()) {
      await this.refresh();
      entry = this.keys.get(header.kid);
    }
    return entry && entry.alg === header.alg ? entry.key : undefined;
  }

  /** Fetches the set now (joining a fetch already in flight). */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** How many times the set was fetched (operations and tests). */
  fetchCount(): number {
    return this.fetches;
  }

  /** Whether a key is still published: verification caches drop results of withdrawn keys. */
  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  private async fetchKeys(): Promise<void> {
    this.lastFetchAt = Date.now();
    this.fetches++;
    try {
      this.keys = await this.download();
    } catch (e) {
      // An issuer that is down (or not up yet) is asked again after a second, not a full interval.
      this.lastFetchAt = Date.now() - this.minRefreshMs() + RETRY_AFTER_FAILURE_MS;
      throw new KeySetUnavailable(e);
    }
  }

  private minRefreshMs(): number {
    return this.options.minRefreshIntervalMs ?? 30_000;
  }

  private async download(): Promise<Map<string, Entry>> {
    const doFetch = this.options.fetch ?? fetch;
    const res = await doFetch(this.url, {
      signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 2000),
      headers: { accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`JWKS fetch from ${this.url} answered ${res.status}`);
    const body = (await res.json()) as { keys?: JWK[] };
    const allowed: readonly string[] = this.options.algorithms ?? SIGNING_ALGS;
    const next = new Map<string, Entry>();
    for (const jwk of body.keys ?? []) {
      if (!jwk.kid || !jwk.alg || !allowed.includes(jwk.alg) || jwk.d !== undefined) continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      const known = this.keys.get(jwk.kid);
      next.set(jwk.kid, known ?? { alg: jwk.alg, key: (await importJWK(jwk, jwk.alg)) as KeyLike });
    }
    return next;
  }
}
