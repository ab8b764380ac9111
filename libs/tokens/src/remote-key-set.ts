import { JWTHeaderParameters, KeyLike } from 'jose';
import { SigningAlg, SIGNING_ALGS } from '@app/config';
import { CachedJwks } from './cached-jwks';
import { VerificationKeys } from './verification-keys';

export { KeySetUnavailable } from './cached-jwks';

export interface RemoteKeySetOptions {
  /** Unknown `kid`s refetch the set at most this often: a flood of forged kids is no fetch storm. */
  readonly minRefreshIntervalMs?: number;
  readonly fetchTimeoutMs?: number;
  readonly algorithms?: readonly SigningAlg[];
  readonly fetch?: typeof fetch;
}

/**
 * The issuer's public keys fetched from its `jwks_uri`, for a resource server. Refreshed when a
 * token names an unknown `kid` or a known `kid` whose key no longer verifies (rate-limited, one
 * fetch in flight), every ten minutes in the background, and at once on a key-rotation notice
 * (`refresh()`). While the issuer is down the last keys fetched stay in use.
 */
export class RemoteKeySet implements VerificationKeys {
  private readonly jwks: CachedJwks;

  constructor(url: string, options: RemoteKeySetOptions = {}) {
    this.jwks = new CachedJwks(url, {
      algorithms: options.algorithms ?? SIGNING_ALGS,
      minRefreshIntervalMs: options.minRefreshIntervalMs,
      timeoutMs: options.fetchTimeoutMs,
      fetch: options.fetch,
      // The operator configures this URL (JWKS_URI), often on a private network (docker compose).
      http: 'allow',
      staleMs: Number.POSITIVE_INFINITY,
    });
  }

  /** The issuer's tokens always name their key (`kid`): a token that names none has none. */
  async verificationKey(header: JWTHeaderParameters): Promise<KeyLike | undefined> {
    return header.kid === undefined ? undefined : this.jwks.verificationKey(header);
  }

  replacementKey(header: JWTHeaderParameters, rejected: KeyLike): Promise<KeyLike | undefined> {
    return this.jwks.replacementKey(header, rejected);
  }

  /** Fetches the set now (joining a fetch already in flight). */
  refresh(): Promise<void> {
    return this.jwks.refresh();
  }

  /** How many times the set was fetched (operations and tests). */
  fetchCount(): number {
    return this.jwks.fetchCount();
  }

  /** Whether a key is still published under `kid`. */
  has(kid: string): boolean {
    return this.jwks.has(kid);
  }

  /** Whether `key` is still the one published under `kid`: neither withdrawn nor replaced. */
  holds(kid: string, key: KeyLike): boolean {
    return this.jwks.holds(kid, key);
  }
}
