import {
  MirrorStale,
  openFeedRedis,
  RedisRevocationFeed,
  RevocationFeed,
  RevocationMirror,
} from '@app/store';
import { MirrorMetrics, Registry, StoreMetrics } from '@app/metrics';
import {
  AccessTokenClaims,
  CachingJwtVerifier,
  JwtAccessTokenVerifier,
  KeySetUnavailable,
  OpaqueTokenFormat,
  RemoteKeySet,
} from '@app/tokens';
import {
  BearerError,
  InsufficientScope,
  InvalidToken,
  TokenStateUnavailable,
} from './bearer.errors';
import { BearerSources, extractBearer } from './bearer-token.extractor';
import { IntrospectionUnavailable, OpaqueTokenIntrospector } from './opaque-token.introspector';
import { ResourceServerOptions } from './resource-server.options';

const FEED_BLOCK_MS = 1000;

/** The validated access token handed to the API's handlers. */
export interface ValidatedToken extends AccessTokenClaims {
  readonly scopes: readonly string[];
}

/**
 * Validates bearer tokens locally: JWT signature and claims against the issuer's JWKS, then
 * revocation against the replica's in-memory mirror of the revocation stream; opaque tokens
 * through introspection. Create one per process with `createTokenValidator`, `start()` it, and
 * call `validate()` per request.
 */
export class TokenValidator {
  private readonly keys: RemoteKeySet;
  private readonly jwt: CachingJwtVerifier;
  private readonly opaque: OpaqueTokenIntrospector | undefined;
  private feed: RevocationFeed | undefined;
  private mirror: RevocationMirror | undefined;
  /**
   * This library's metrics (the revocation mirror's lag, staleness and size; its Redis
   * connection's errors), in a registry of its own: the host API serves it with its own
   * metrics, e.g. `scrapeRegistry([validator.metrics])` from @app/metrics on its `/metrics`.
   */
  readonly metrics = new Registry();
  private readonly mirrorMetrics = new MirrorMetrics(this.metrics);
  private readonly storeMetrics = new StoreMetrics(this.metrics);

  constructor(private readonly options: ResourceServerOptions) {
    const skew = options.clockSkewSeconds ?? 5;
    this.keys = new RemoteKeySet(options.jwksUri, {
      minRefreshIntervalMs: options.jwksMinRefreshMs ?? 30_000,
    });
    const verifier = new JwtAccessTokenVerifier(this.keys, {
      issuer: options.issuer,
      audience: options.audience,
      clockToleranceSeconds: skew,
    });
    // A cached result lasts only while its exact key is published: a kid reused for new key
    // material invalidates it.
    this.jwt = new CachingJwtVerifier(verifier, (kid, key) => this.keys.holds(kid, key), skew);
    const i = options.introspection;
    this.opaque =
      i && new OpaqueTokenIntrospector(i.endpoint, i.clientId, i.clientSecret, i.cacheMs);
  }

  /** Loads the issuer's keys and builds the revocation mirror; call before serving. */
  async start(): Promise<void> {
    this.feed = this.options.revocationFeed ?? (await this.redisFeed());
    const stalenessBudgetMs = this.options.stalenessBudgetMs ?? 2000;
    this.mirror = new RevocationMirror(this.feed, {
      stalenessBudgetMs,
      // A read confirms the mirror as of when it was sent, so up to two blocking reads pass
      // between confirmations: 2 × blockMs must stay well inside the budget, or a healthy,
      // idle mirror would call itself stale (503) at the end of every read.
      blockMs: Math.max(1, Math.min(FEED_BLOCK_MS, Math.floor(stalenessBudgetMs / 4))),
      onError: this.options.onError,
      metrics: this.mirrorMetrics,
    });
    // A key announced by the issuer is fetched at once, not on the first token that names it.
    this.mirror.onKeyNotice(() => void this.keys.refresh().catch((e) => this.options.onError?.(e)));
    // An issuer not up yet is no reason not to start: the keys are fetched on the first token.
    const keys = this.keys.refresh().catch((e: unknown) => this.options.onError?.(e));
    await Promise.all([keys, this.mirror.start()]);
  }

  /** The request's token, validated; throws a BearerError to render (RFC 6750 §3). */
  async validate(request: BearerSources): Promise<ValidatedToken> {
    // RFC 6750 §2.2/§2.3: body and query tokens count only where this API enables them.
    const token = extractBearer({
      authorization: request.authorization,
      formAccessToken: this.options.allowFormBody ? request.formAccessToken : undefined,
      queryAccessToken: this.options.allowQuery ? request.queryAccessToken : undefined,
    });
    const claims = await this.claimsOf(token);
    if (!claims) throw new InvalidToken('the access token is invalid or expired');
    if (this.isRevoked(claims)) throw new InvalidToken('the access token is invalid or expired');
    return { ...claims, scopes: claims.scope.split(' ').filter(Boolean) };
  }

  /** 403 insufficient_scope unless the token carries every one of `required`. */
  requireScopes(token: ValidatedToken, required: readonly string[]): void {
    if (!required.every((s) => token.scopes.includes(s))) throw new InsufficientScope(required);
  }

  /**
   * Whether this replica can check revocations now: its mirror was confirmed current within the
   * staleness budget (never while the store it follows is being rebuilt from the log). Serve it
   * as the API's readiness, so that orchestrators route no traffic to a replica that would
   * refuse (fail-closed) or could not vouch for (fail-open) every token.
   */
  get ready(): boolean {
    return this.mirror?.current ?? false;
  }

  /** A key-rotation notice: fetch the issuer's keys now instead of on the next unknown kid. */
  refreshKeys(): Promise<void> {
    return this.keys.refresh();
  }

  async close(): Promise<void> {
    // A feed given by the caller stays the caller's; the Redis one opened here is closed first,
    // which also ends the mirror's blocked read at once.
    if (!this.options.revocationFeed) await this.feed?.close();
    await this.mirror?.stop();
  }

  get realm(): string {
    return this.options.realm ?? this.options.audience;
  }

  private async claimsOf(token: string): Promise<AccessTokenClaims | null> {
    try {
      if (OpaqueTokenFormat.kindOf(token) === 'at') {
        if (!this.opaque) return null;
        const claims = await this.opaque.introspect(token);
        return claims && claims.aud === this.options.audience ? claims : null;
      }
      return await this.jwt.verify(token);
    } catch (e) {
      if (e instanceof KeySetUnavailable || e instanceof IntrospectionUnavailable)
        throw new TokenStateUnavailable('the token cannot be checked now');
      throw e;
    }
  }

  private isRevoked(claims: AccessTokenClaims): boolean {
    try {
      return this.mirror!.isRevoked(claims);
    } catch (e) {
      if (!(e instanceof MirrorStale)) throw e;
      // DESIGN: never silently accept a token whose revocation state could not be checked.
      if (this.options.failurePolicy === 'fail-open') return false;
      throw new TokenStateUnavailable('revocation state cannot be confirmed now');
    }
  }

  private async redisFeed(): Promise<RevocationFeed> {
    if (!this.options.redisUrl) throw new Error('resource server needs redisUrl or revocationFeed');
    const redis = await openFeedRedis(
      this.options.redisUrl,
      'resource-server-feed',
      FEED_BLOCK_MS,
      this.storeMetrics,
    );
    return new RedisRevocationFeed(redis);
  }
}

export function createTokenValidator(options: ResourceServerOptions): TokenValidator {
  return new TokenValidator(options);
}

export { BearerError };
