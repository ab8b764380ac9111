import {
  MemoryReplayStore,
  MirrorStale,
  openFeedRedis,
  openRedis,
  RedisReplayStore,
  ReplayStore,
  RedisRevocationFeed,
  RevocationFeed,
  RevocationMirror,
} from '@app/store';
import { MirrorMetrics, Registry, StoreMetrics } from '@app/metrics';
import {
  AccessTokenClaims,
  CachingJwtVerifier,
  DpopProofVerifier,
  ClientCertificateSource,
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
import { BearerSources, extractBearer, isDpopScheme } from './bearer-token.extractor';
import { KeyNoticeFollower } from './key-notice.follower';
import {
  DPOP_CHALLENGE_ALGS,
  DpopBindingCheck,
  dpopJkt,
  DpopSources,
  publicBaseUrl,
  publicRequestUrl,
  refuseDpopBoundAsBearer,
} from './dpop-binding.check';
import { checkCertificateBinding } from './certificate-binding.check';
import { IntrospectionUnavailable, OpaqueTokenIntrospector } from './opaque-token.introspector';
import { ResourceServerOptions } from './resource-server.options';

const FEED_BLOCK_MS = 1000;

/** The validated access token handed to the API's handlers. */
export interface ValidatedToken extends AccessTokenClaims {
  readonly scopes: readonly string[];
}

/** Where a request carries its token and, for DPoP (RFC 9449 §7), what the proof is checked on. */
export type ResourceRequest = BearerSources & DpopSources;

/**
 * Validates bearer tokens locally: JWT signature and claims against the issuer's JWKS, then
 * revocation against the replica's in-memory mirror of the revocation stream; opaque tokens
 * through introspection. With the `dpop` option, DPoP-bound tokens too (RFC 9449 §7: the proof
 * checked by DpopBindingCheck). Create one per process with `createTokenValidator`, `start()`
 * it, and call `validate()` per request.
 */
export class TokenValidator {
  private readonly keys: RemoteKeySet;
  private readonly jwt: CachingJwtVerifier;
  private readonly opaque: OpaqueTokenIntrospector | undefined;
  private readonly certificates: ClientCertificateSource;
  private feed: RevocationFeed | undefined;
  private mirror: RevocationMirror | undefined;
  /** Set when the API takes DPoP: by the constructor, or by start() when it needs Redis. */
  private dpop: DpopBindingCheck | undefined;
  private readonly dpopBase: string | undefined;
  private closeReplays: (() => Promise<void>) | undefined;
  /**
   * This library's metrics (the revocation mirror's lag, staleness and size; its Redis
   * connection's errors), in a registry of its own: the host API serves it with its own
   * metrics, e.g. `scrapeRegistry([validator.metrics])` from @app/metrics on its `/metrics`.
   */
  readonly metrics = new Registry();
  private readonly mirrorMetrics = new MirrorMetrics(this.metrics);
  private readonly storeMetrics = new StoreMetrics(this.metrics);

  private readonly keyNotices: KeyNoticeFollower;

  constructor(private readonly options: ResourceServerOptions) {
    const skew = options.clockSkewSeconds ?? 5;
    this.keys = new RemoteKeySet(options.jwksUri, {
      minRefreshIntervalMs: options.jwksMinRefreshMs ?? 30_000,
    });
    this.keyNotices = new KeyNoticeFollower(this.keys, (e) => this.options.onError?.(e));
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
    if (options.dpop) {
      this.dpopBase = publicBaseUrl(options.dpop.publicUrl);
      const store =
        options.dpop.replayStore ??
        (options.redisUrl || options.redisCluster ? undefined : new MemoryReplayStore());
      if (store) this.dpop = this.dpopCheck(store);
    }
    this.certificates = new ClientCertificateSource(options.clientCertTrustedProxies ?? []);
  }

  /** Loads the issuer's keys and builds the revocation mirror; call before serving. */
  async start(): Promise<void> {
    this.feed = this.options.revocationFeed ?? (await this.redisFeed());
    if (this.options.dpop && !this.dpop) this.dpop = this.dpopCheck(await this.redisReplays());
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
    this.mirror.onKeyNotice(this.keyNotices.onNotice);
    // An issuer not up yet is no reason not to start: the keys are fetched on the first token.
    const keys = this.keys.refresh().catch((e: unknown) => this.options.onError?.(e));
    await Promise.all([keys, this.mirror.start()]);
  }

  /**
   * The request's token, validated; throws a BearerError to render (RFC 6750 §3, RFC 9449 §7.1).
   * A DPoP-presented token needs `dpop`, `method` and `path` in `request` too.
   */
  async validate(request: ResourceRequest): Promise<ValidatedToken> {
    if (this.dpop !== undefined && isDpopScheme(request.authorization))
      return this.validateDpop(request);
    const token = extractBearer(this.sourcesOf(request));
    // Inline rather than validClaims(): the bearer path keeps its one awaited promise.
    const claims = await this.claimsOf(token);
    if (!claims) throw new InvalidToken('the access token is invalid or expired');
    if (this.isRevoked(claims)) throw new InvalidToken('the access token is invalid or expired');
    refuseDpopBoundAsBearer(claims);
    if (claims.cnf !== undefined)
      checkCertificateBinding(claims.cnf, this.certificates, request.connection);
    return { ...{}, ...claims, scopes: claims.scope.split(' ').filter(Boolean) };
  }

  /** 403 insufficient_scope unless the token carries every one of `required`. */
  requireScopes(token: ValidatedToken, required: readonly string[]): void {
    if (required.every((s) => token.scopes.includes(s))) return;
    const refusal = new InsufficientScope(required);
    throw dpopJkt(token) === undefined ? refusal : refusal.under('DPoP');
  }

  /**
   * `algs` of the DPoP challenge when this API takes DPoP (give it to `bearerErrorResponse`, so
   * that both schemes are challenged), else undefined.
   */
  get dpopAlgs(): string | undefined {
    return this.options.dpop ? DPOP_CHALLENGE_ALGS : undefined;
  }

  /** When the API requires DPoP nonces: the one to send in `DPoP-Nonce` now (RFC 9449 §9). */
  dpopNonce(): string | undefined {
    return this.dpop?.currentNonce();
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
    this.keyNotices.close();
    // A feed given by the caller stays the caller's; the Redis one opened here is closed first,
    // which also ends the mirror's blocked read at once.
    if (!this.options.revocationFeed) await this.feed?.close();
    await this.closeReplays?.();
    await this.mirror?.stop();
  }

  get realm(): string {
    return this.options.realm ?? this.options.audience;
  }

  /** RFC 9449 §7.1: every refusal of a DPoP-presented token goes in the DPoP challenge. */
  private async validateDpop(request: ResourceRequest): Promise<ValidatedToken> {
    try {
      const token = extractBearer(this.sourcesOf(request), true);
      const claims = await this.validClaims(token);
      if (request.method === undefined || request.path === undefined)
        throw new Error('validate() needs the request method and path for a DPoP token');
      await this.dpop!.check(token, claims, {
        proof: request.dpop,
        method: request.method,
        url: publicRequestUrl(this.dpopBase!, request.path),
      });
      return { ...{}, ...claims, scopes: claims.scope.split(' ').filter(Boolean) };
    } catch (e) {
      if (e instanceof BearerError) e.under('DPoP');
      throw e;
    }
  }

  /** RFC 6750 §2.2/§2.3: body and query tokens count only where this API enables them. */
  private sourcesOf(request: BearerSources): BearerSources {
    return {
      authorization: request.authorization,
      formAccessToken: this.options.allowFormBody ? request.formAccessToken : undefined,
      queryAccessToken: this.options.allowQuery ? request.queryAccessToken : undefined,
    };
  }

  private async validClaims(token: string): Promise<AccessTokenClaims> {
    const claims = await this.claimsOf(token);
    if (!claims) throw new InvalidToken('the access token is invalid or expired');
    if (this.isRevoked(claims)) throw new InvalidToken('the access token is invalid or expired');
    return claims;
  }

  private dpopCheck(replays: Pick<ReplayStore, 'claimOnce'>): DpopBindingCheck {
    return new DpopBindingCheck(new DpopProofVerifier(this.options.dpop!.proofs, replays));
  }

  /** RFC 9449 §11.1: the API's Redis, so a proof is accepted once across all its replicas. */
  private async redisReplays(): Promise<ReplayStore> {
    const target = (this.options.redisCluster ?? this.options.redisUrl)!;
    const redis = await openRedis(target, 'resource-server-dpop', {}, this.storeMetrics);
    // As the feed's: nothing is left to send at shutdown, and a quit would wait on a dead link.
    this.closeReplays = async () => redis.disconnect();
    return new RedisReplayStore(redis);
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
    const target = this.options.redisCluster ?? this.options.redisUrl;
    if (!target) throw new Error('resource server needs redisUrl, redisCluster or revocationFeed');
    const redis = await openFeedRedis(
      target,
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
