import type { RedisClusterConfig } from '@app/config';
import type { RevocationFeed } from '@app/store';

export interface ResourceServerOptions {
  /** The authorization server's issuer identifier (`iss`). */
  readonly issuer: string;
  /** This API's resource identifier: tokens must name it in `aud`. */
  readonly audience: string;
  /** The issuer's JWKS URL. */
  readonly jwksUri: string;
  /** Redis holding the revocation stream (or give `redisCluster` or `revocationFeed`). */
  readonly redisUrl?: string;
  /** A Redis Cluster holding the revocation stream, instead of `redisUrl`. */
  readonly redisCluster?: RedisClusterConfig;
  readonly revocationFeed?: RevocationFeed;
  /** For opaque tokens: the introspection endpoint and this API's client credentials. */
  readonly introspection?: {
    readonly endpoint: string;
    readonly clientId: string;
    readonly clientSecret: string;
    /** Longest time an answer is reused (default 60 s; never past the token's expiry). */
    readonly cacheMs?: number;
  };
  /** Seconds of clock difference tolerated on exp/nbf (default 5). */
  readonly clockSkewSeconds?: number;
  /** Longest time without confirming the revocation mirror is current (default 2000 ms). */
  readonly stalenessBudgetMs?: number;
  /** What to do when revocation state cannot be confirmed (default fail-closed: 503). */
  readonly failurePolicy?: 'fail-closed' | 'fail-open';
  /** Also accept the token as a form body or query parameter (RFC 6750 §2.2, §2.3). */
  readonly allowFormBody?: boolean;
  readonly allowQuery?: boolean;
  /**
   * Unknown `kid`s, and signatures that fail under the key held for their `kid` (a `kid` reused
   * for new material), refetch the JWKS at most this often (default 30 s).
   */
  readonly jwksMinRefreshMs?: number;
  /** Realm in WWW-Authenticate challenges. */
  readonly realm?: string;
  readonly onError?: (e: unknown) => void;
}
