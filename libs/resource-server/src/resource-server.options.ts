import type { DpopConfig, RedisClusterConfig } from '@app/config';
import type { ReplayStore, RevocationFeed } from '@app/store';

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
  /**
   * Accept DPoP-bound tokens (RFC 9449 §7): `Authorization: DPoP <token>` with a `DPoP` proof.
   * Without it only bearer tokens are taken; a DPoP-bound token is refused either way when it
   * comes as `Bearer` (§7.2).
   */
  readonly dpop?: ResourceServerDpopOptions;
  /**
   * The TLS-terminating proxies (IP addresses, CIDRs) whose `Client-Cert` header (RFC 9440)
   * carries the client's certificate, for certificate-bound tokens (RFC 8705 §3). From any
   * other peer the header is ignored (and logged); the API's own TLS connection is read when
   * it terminates TLS itself with client certificates requested.
   */
  readonly clientCertTrustedProxies?: readonly string[];
  /** Realm in WWW-Authenticate challenges. */
  readonly realm?: string;
  readonly onError?: (e: unknown) => void;
}

export interface ResourceServerDpopOptions {
  /**
   * This API's public base URL, as clients address it (scheme, host, port if not the default,
   * and any path prefix a proxy strips): a proof's `htu` must equal it followed by the request's
   * path. Configured, never rebuilt from Host or X-Forwarded-* headers, which the client sets.
   */
  readonly publicUrl: string;
  /** Proof age, clock skew and the API's own nonces: `ResourceServerEnv.dpop` (DPOP_*). */
  readonly proofs: DpopConfig;
  /**
   * Where proof `jti`s are remembered, shared by every replica of the API. Default: Redis at
   * `redisUrl` (a connection of its own), or memory (this replica alone) without one. Only its
   * `claimOnce` is called.
   */
  readonly replayStore?: Pick<ReplayStore, 'claimOnce'>;
}
