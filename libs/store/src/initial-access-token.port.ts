/**
 * What an initial access token (RFC 7591 §3, §1.2) allows: registrations at
 * `POST /oauth2/register` until it expires or its uses are spent. Stored under the token's
 * SHA-256 digest only; the token itself is shown once, to the admin client that asked for it.
 */
export interface InitialAccessGrant {
  /** The admin client that issued it (who let the registrations in). */
  readonly issuedBy: string;
  /** Registrations it allows in all. */
  readonly uses: number;
  /** ms since the epoch. */
  readonly issuedAt: number;
  /** ms since the epoch: the token is gone then, spent or not. */
  readonly expiresAt: number;
}

/** A live token's grant and how many registrations it still allows. */
export interface InitialAccessState extends InitialAccessGrant {
  readonly remaining: number;
}

/**
 * Initial access tokens by digest, every entry expiring at its token's deadline (so memory is
 * bounded by live tokens). A use is spent atomically before a registration is written, so
 * replicas registering in parallel never let one token register more clients than it allows;
 * a registration the registry then refuses gives its use back.
 */
export interface InitialAccessTokenStore {
  /** Keeps a new token's grant until `grant.expiresAt`; an expired one is not kept. */
  issue(digest: string, grant: InitialAccessGrant): Promise<void>;
  /** The live token's state, or null (unknown or expired); a spent token has remaining 0. */
  find(digest: string): Promise<InitialAccessState | null>;
  /**
   * Spends one use, atomically: the grant when a use was left, null otherwise (unknown,
   * expired or spent) and nothing changes.
   */
  spend(digest: string): Promise<InitialAccessGrant | null>;
  /** Gives back one use spent by `spend` (the registration failed); a gone token stays gone. */
  refund(digest: string): Promise<void>;
}

export const INITIAL_ACCESS_TOKEN_STORE = Symbol('InitialAccessTokenStore');
