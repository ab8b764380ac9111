import type { AccessTokenClaims } from '@app/tokens';

/** Opaque access tokens by the SHA-256 digest of the token; each entry expires with its token. */
export interface TokenStore {
  save(digest: string, claims: AccessTokenClaims): Promise<void>;
  find(digest: string): Promise<AccessTokenClaims | null>;
}

/** What a revocation covers. `expiresAt` (ms) is when the last token it covers expires. */
export type Revocation =
  | {
      readonly kind: 'token';
      readonly clientId: string;
      readonly jti: string;
      readonly expiresAt: number;
    }
  | {
      readonly kind: 'grant';
      readonly clientId: string;
      readonly grantId: string;
      readonly expiresAt: number;
    }
  | {
      readonly kind: 'client';
      readonly clientId: string;
      /** Tokens of the client issued at or before this instant (ms) are revoked. */
      readonly revokedAt: number;
      readonly expiresAt: number;
    }
  | {
      /**
       * Every token whose `sub` is this subject, of every client, issued at or before
       * `revokedAt` (ms): "sign out everywhere". A pairwise client's tokens carry another `sub`
       * (OIDC Core §8.1): the admin API revokes each of the subject's grants beside it.
       */
      readonly kind: 'subject';
      readonly subject: string;
      readonly revokedAt: number;
      readonly expiresAt: number;
    };

/** The fields of a token that a revocation can match. */
export interface RevocationSubject {
  readonly clientId: string;
  readonly jti: string;
  readonly grantId?: string;
  /** The token's `sub`; a token without one is matched by no subject revocation. */
  readonly sub?: string;
  /** Seconds since the epoch (the token's `iat`). */
  readonly iat: number;
}

/** A signing key the issuer publishes: verifiers refetch the issuer's key set at once. */
export interface KeyNotice {
  readonly kid: string;
  readonly alg: string;
  /** The step of a runtime rotation (`key.rotated` v2); absent for a KEYS_FILE key. */
  readonly step?: string;
}

export interface RevocationStore {
  /**
   * Merges the revocation into the one kept under its key (never narrowing it). True when that
   * changed the store: only then does it go on the stream replicas follow, so the request path
   * and the projector applying the same event put it there once.
   */
  revoke(revocation: Revocation): Promise<boolean>;
  isRevoked(subject: RevocationSubject): Promise<boolean>;
  /** Whether a key notice for `kid` was already put on the stream. */
  keyAnnounced(kid: string): Promise<boolean>;
  /** Puts a key notice on the stream replicas follow, and remembers it was announced. */
  announceKey(notice: KeyNotice): Promise<void>;
}

/**
 * Single-use identifiers, such as the `jti` of client assertions (RFC 7523 §3 item 7), and
 * credentials spent by one change (a registration access token, RFC 7592 §2.2).
 */
export interface ReplayStore {
  /** True the first time a key is seen before `expiresAt` (ms); false on every replay. */
  claimOnce(key: string, expiresAt: number): Promise<boolean>;
  /**
   * Forgets a claim, so that the key can be claimed again: for a change that claimed a
   * credential and then failed before it took effect. Never for a replayed `jti`.
   */
  release(key: string): Promise<void>;
}

/** Who attempted a client authentication: the client id it named (if any) and its address. */
export interface AuthAttempt {
  readonly clientId?: string;
  readonly address: string;
}

/**
 * Failed client authentications, counted per client id and per source address in a fixed
 * window shared by every replica. Only failures are recorded: a caller that keeps succeeding
 * is never slowed down.
 */
export interface AuthFailureThrottle {
  /** Milliseconds until the attempt may be checked again; 0 when it may be checked now. */
  retryAfter(attempt: AuthAttempt): Promise<number>;
  /** Counts one failure against the client id (when named) and against the address. */
  recordFailure(attempt: AuthAttempt): Promise<void>;
}

/**
 * Whether the derived state has been built from the log. A store that lost its data (flushed,
 * replaced) has no marker, and the projector then replays the log from the start.
 */
export interface ProjectionMarker {
  present(): Promise<boolean>;
  mark(): Promise<void>;
}

/** The store could not be reached; callers apply their failure policy (503 by default). */
export class StoreUnavailable extends Error {
  constructor(cause?: unknown) {
    super('the state store is unavailable', { cause });
    this.name = 'StoreUnavailable';
  }
}

export const TOKEN_STORE = Symbol('TokenStore');
export const REVOCATION_STORE = Symbol('RevocationStore');
export const REPLAY_STORE = Symbol('ReplayStore');
export const PROJECTION_MARKER = Symbol('ProjectionMarker');
export const AUTH_FAILURE_THROTTLE = Symbol('AuthFailureThrottle');
// Flow state of the sign-in (issue 10): one port per file beside this one.
export const AUTHORIZATION_REQUEST_STORE = Symbol('AuthorizationRequestStore');
export const INTERACTION_CHALLENGE_STORE = Symbol('InteractionChallengeStore');
export const BROWSER_SESSION_STORE = Symbol('BrowserSessionStore');
export const AUTHORIZATION_CODE_STORE = Symbol('AuthorizationCodeStore');
export const GRANT_STORE = Symbol('GrantStore');
// Refresh-token families (issue 11): port in refresh-token.port.ts.
export const REFRESH_TOKEN_STORE = Symbol('RefreshTokenStore');
