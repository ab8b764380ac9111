/**
 * What a refresh-token family stands for: one grant, as one client holds it. Fixed for the
 * family's life; every token of the family carries it.
 */
export interface RefreshTokenRecord {
  readonly grantId: string;
  readonly clientId: string;
  /** The end-user as this client sees them (public or pairwise `sub`). */
  readonly subject: string;
  /** The scopes the grant's refresh tokens may ask for (a request may narrow them). */
  readonly scopes: readonly string[];
  /**
   * RFC 9449 §5: a public client's family is bound to the DPoP key its first token was issued
   * with (RFC 7638 thumbprint); every refresh must come with a proof of that key. Absent: unbound
   * (a confidential client's, or one issued without a proof).
   */
  readonly jkt?: string;
}

/** A token's deadlines (ms since the epoch); it is live until the earlier of the two. */
export interface RefreshDeadlines {
  /** `refresh_token_ttl` from the grant's creation: the family's end, never moved. */
  readonly absoluteExpiresAt: number;
  /** `refresh_token_idle_ttl` from this token's issue. */
  readonly idleExpiresAt: number;
}

/**
 * The outcome of presenting a refresh token (RFC 6749 §6, RFC 9700 §4.14.2):
 * - `rotated`: it was the family's live token; `next` is now the live one and it is retired;
 * - `reused-within-grace`: it was retired less than the grace ago; `next` is now the live one
 *   and the token that was live until now is retired too, so the family continues from the
 *   newest and never has two live tokens;
 * - `reuse`: it was retired longer ago (or the grace is 0): the family is revoked in the same
 *   step, no token of it is live any more;
 * - `expired`: it is the live token but past its idle or absolute deadline;
 * - `unknown`: never issued, past the family's absolute deadline, or of a revoked family.
 */
export type RefreshRotation =
  | {
      readonly outcome: 'rotated' | 'reused-within-grace';
      readonly record: RefreshTokenRecord;
      /** When the new token stops being live (ms): min(idle, absolute). */
      readonly expiresAt: number;
    }
  | { readonly outcome: 'reuse'; readonly record: RefreshTokenRecord }
  | { readonly outcome: 'expired'; readonly record: RefreshTokenRecord }
  | { readonly outcome: 'unknown' };

/** What introspection and revocation learn of a presented refresh token. */
export interface RefreshTokenState {
  readonly record: RefreshTokenRecord;
  /** Whether it is its family's live token, within both deadlines, of a family not revoked. */
  readonly active: boolean;
  /** When it stops (or stopped) being live (ms): min(idle, absolute). */
  readonly expiresAt: number;
}

/** The longest reuse grace a client may have (seconds): what the store remembers retirements for. */
export const MAX_REFRESH_GRACE_SECONDS = 60;

/**
 * Refresh-token families (DESIGN "Grants"), modelled on fosite's flow_refresh: tokens by the
 * SHA-256 digest of the token (libs/tokens `tokenDigest`; the token itself is never stored),
 * families by grant id. Every state change of a family is one atomic step, so that under any
 * interleaving of replicas a grant never has two live refresh tokens. Every key lives at most
 * until the family's absolute deadline.
 */
export interface RefreshTokenStore {
  /**
   * Makes `digest` the family's live token (retiring any live one). False when the family was
   * revoked (a revocation that raced the issue wins) or the deadline is past: hand nothing out.
   * Idempotent: a digest the store already knows is left as it is (true when it is the live
   * one), so the projector may re-apply any `token.issued` without retiring a newer token, and
   * rebuilds a family by applying its events in log order with `now` = each event's `iat`.
   */
  issue(
    record: RefreshTokenRecord,
    digest: string,
    deadlines: RefreshDeadlines,
    now: number,
  ): Promise<boolean>;
  /**
   * Presents `presentedDigest` and, when it may be exchanged, makes `next.digest` the live token
   * with idle deadline `next.idleExpiresAt` (capped at the family's absolute deadline), in one
   * atomic step. `graceMs` is the client's reuse grace (at most MAX_REFRESH_GRACE_SECONDS).
   * `now` is the caller's clock, read before the step reaches the store, so it may be earlier
   * than the retirement a concurrent presentation made: within a grace that counts as no time
   * elapsed, and without one a retired token is always a reuse.
   */
  rotate(
    presentedDigest: string,
    next: { readonly digest: string; readonly idleExpiresAt: number },
    now: number,
    graceMs: number,
  ): Promise<RefreshRotation>;
  /**
   * Undoes the family's last rotation when its new token `nextDigest` could not be handed out
   * (its `token.issued` was not acknowledged, or the answer failed after it): the token that
   * rotation retired is live again with its own idle deadline, as if it had never been
   * presented, and `nextDigest` is never live again (nor exchangeable within a grace). One atomic
   * step that changes nothing unless `nextDigest` is still the family's newest token, in a family
   * not revoked, and the rotation is still the last one (RFC 9700 §4.14.2: a rotation whose
   * answer never left must not make the client's retry look like a reuse). True when undone.
   */
  undoRotation(grantId: string, nextDigest: string): Promise<boolean>;
  /**
   * Revokes the family: none of its tokens is live again, and a later `issue` is refused. A
   * family not seen yet is remembered as revoked until `keepUntil` (ms), its latest possible end.
   */
  revokeFamily(grantId: string, keepUntil: number): Promise<void>;
  /** The token's family and whether it is live; null when unknown or past the absolute deadline. */
  find(digest: string, now: number): Promise<RefreshTokenState | null>;
}
