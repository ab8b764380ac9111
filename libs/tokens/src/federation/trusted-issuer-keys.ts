import type { JWTHeaderParameters, KeyLike } from 'jose';
import type { TrustedIssuerConfig } from '@app/config';
import { CachedJwks, KeySetUnavailable } from '../cached-jwks';
import {
  fetchBoundedJson,
  JwksFetchFailed,
  JwksFetchOptions,
  JwksHttpPolicy,
} from '../jwks.fetcher';
import { VerificationKeys } from '../verification-keys';

export interface TrustedIssuerKeysOptions extends Omit<JwksFetchOptions, 'http'> {
  /** `loopback` in development only (a local issuer); never `allow`: issuers are on the internet. */
  readonly http: Exclude<JwksHttpPolicy, 'allow'>;
  /** A discovered `jwks_uri` is looked up again after this long (default one hour). */
  readonly discoveryTtlMs?: number;
  /** As CachedJwks: unknown `kid`s refetch the set at most this often (default 30 s). */
  readonly minRefreshIntervalMs?: number;
  readonly ttlMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

const DEFAULT_DISCOVERY_TTL_MS = 60 * 60_000;
const DEFAULT_BACKOFF = { initialMs: 1000, maxMs: 60_000 };

/** OIDC Discovery §4: the issuer with any trailing `/` removed, then the well-known path. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * The keys of one trusted external issuer: its configured `jwks_uri`, or the one its OpenID
 * discovery document names, fetched and cached by the one bounded fetcher and `CachedJwks`
 * (TTL, rate-limited refetch on an unknown `kid`, back-off after failures). A discovered
 * `jwks_uri` must be on the issuer's own origin, so nothing is ever fetched from a host that
 * configuration did not name; an issuer whose keys live elsewhere is configured with its
 * `jwks_uri`. Discovery is looked up again hourly; while that fails, the last answer stays.
 */
export class TrustedIssuerKeys implements VerificationKeys {
  private jwks: CachedJwks | undefined;
  private discoveredAt = Number.NEGATIVE_INFINITY;
  private retryAt = 0;
  private failures = 0;
  private inFlight: Promise<void> | undefined;
  private lastFailure: unknown;

  constructor(
    readonly config: TrustedIssuerConfig,
    private readonly options: TrustedIssuerKeysOptions,
  ) {
    if (config.jwksUri !== undefined) this.jwks = this.cachedSet(config.jwksUri);
  }

  async verificationKey(header: JWTHeaderParameters): Promise<KeyLike | undefined> {
    return (await this.keySet()).verificationKey(header);
  }

  async replacementKey(
    header: JWTHeaderParameters,
    rejected: KeyLike,
  ): Promise<KeyLike | undefined> {
    return this.jwks?.replacementKey(header, rejected);
  }

  /** How many times the key set was fetched (tests, operations). */
  fetchCount(): number {
    return this.jwks?.fetchCount() ?? 0;
  }

  private async keySet(): Promise<CachedJwks> {
    if (this.config.jwksUri !== undefined) return this.jwks!;
    const now = Date.now();
    const due =
      now - this.discoveredAt >= (this.options.discoveryTtlMs ?? DEFAULT_DISCOVERY_TTL_MS);
    const mayTry = this.failures === 0 || now >= this.retryAt;
    if (this.jwks) {
      // Known keys stay in use while the document is looked up again in the background.
      if (due && mayTry) void this.discover().catch(() => undefined);
      return this.jwks;
    }
    if (!mayTry) throw new KeySetUnavailable(this.lastFailure);
    await this.discover();
    return this.jwks!;
  }

  /** One lookup at a time; a failure backs off (1 s doubling to 60 s) like a key set's. */
  private discover(): Promise<void> {
    this.inFlight ??= this.lookUp().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async lookUp(): Promise<void> {
    try {
      const uri = await this.discoveredJwksUri();
      if (this.jwks?.uri !== uri) this.jwks = this.cachedSet(uri);
      this.discoveredAt = Date.now();
      this.failures = 0;
    } catch (e) {
      const backoff = this.options.backoff ?? DEFAULT_BACKOFF;
      this.retryAt =
        Date.now() + Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(this.failures, 30));
      this.failures++;
      this.lastFailure = e;
      throw new KeySetUnavailable(e);
    }
  }

  /**
   * OIDC Discovery §4.3: the document's `issuer` must be the one configured, exactly (else it
   * describes another issuer, or a host impersonating one); its `jwks_uri` must be absolute and
   * on the issuer's origin.
   */
  private async discoveredJwksUri(): Promise<string> {
    const { issuer } = this.config;
    const doc = await fetchBoundedJson(
      discoveryUrl(issuer),
      this.fetchOptions(),
      'discovery document',
    );
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
      throw new JwksFetchFailed('the discovery document is not a JSON object');
    const { issuer: named, jwks_uri: jwksUri } = doc as Record<string, unknown>;
    if (named !== issuer)
      throw new JwksFetchFailed(
        `the discovery document of ${new URL(issuer).origin} names another issuer`,
      );
    if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri))
      throw new JwksFetchFailed('the discovery document has no absolute jwks_uri');
    if (new URL(jwksUri).origin !== new URL(issuer).origin)
      throw new JwksFetchFailed(
        `the jwks_uri of ${new URL(issuer).origin} is on another origin: configure it explicitly`,
      );
    return jwksUri;
  }

  private cachedSet(uri: string): CachedJwks {
    return new CachedJwks(uri, {
      ...{},
      ...this.fetchOptions(),
      algorithms: this.config.allowedAlgs,
      ttlMs: this.options.ttlMs,
      minRefreshIntervalMs: this.options.minRefreshIntervalMs,
      backoff: this.options.backoff,
    });
  }

  private fetchOptions(): JwksFetchOptions {
    const { timeoutMs, maxBytes, fetch, http } = this.options;
    return { timeoutMs, maxBytes, fetch, http };
  }
}
