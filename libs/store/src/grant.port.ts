/** What a subject consented to for a client: the unit of the token lifecycle (DESIGN "Grants"). */
export interface GrantRecord {
  readonly grantId: string;
  readonly subject: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  /** Seconds since the epoch. */
  readonly authTime: number;
  readonly acr?: string;
  readonly amr: readonly string[];
  /**
   * The end-user claims the consent released for the ID token and for /userinfo (OIDC Core
   * §5.4). Store state only: no event carries a user's claims.
   */
  readonly idTokenClaims: Readonly<Record<string, unknown>>;
  readonly userinfoClaims: Readonly<Record<string, unknown>>;
  /** ms since the epoch. */
  readonly createdAt: number;
  /**
   * When (ms since the epoch) the grant last produced a token: `createdAt` at first, then each
   * refresh (GrantStore.touch). What a "connected apps" page shows as last used.
   */
  readonly lastUsedAt: number;
  /**
   * Until when (ms since the epoch) a later authorization asking no more than this grant covers
   * may skip consent: the consent's `remember` and `remember_for`. Absent: the user asked not
   * to be remembered, and is asked again.
   */
  readonly rememberedUntil?: number;
}

/** Where a page of a subject's grants ended: the last index entry it read. */
export interface GrantCursor {
  /** The grant's deadline (ms), its position in the subject's index. */
  readonly expiresAt: number;
  readonly grantId: string;
}

/** One page of a subject's live grants (GrantStore.pageBySubject). */
export interface GrantPage {
  readonly grants: GrantRecord[];
  /** Where the next page starts; absent on the last page. */
  readonly next?: GrantCursor;
}

/**
 * Grant records by id, each kept until the last token it can produce has expired, and the live
 * grants of a subject (remembered consent; revoking every grant of a user or of a client for a
 * user) without scanning keys.
 */
export interface GrantStore {
  /** Keeps (or replaces) the grant until `expiresAt` (ms); an expired one is not kept. */
  save(grant: GrantRecord, expiresAt: number): Promise<void>;
  /**
   * Keeps the grant until `expiresAt` (ms) unless a record with its id is already kept, which is
   * left as it is (its released claims, its last use): `grant.created` applied again by the
   * projector never replaces the record the request wrote. True when this call stored it.
   */
  create(grant: GrantRecord, expiresAt: number): Promise<boolean>;
  find(grantId: string): Promise<GrantRecord | null>;
  /**
   * A page of the subject's live grants in the order of its index: by deadline, then grant id
   * (bytewise), which is oldest first as every grant lives the same time from its creation. At
   * most `limit` index entries are read, from just after `after` (a cursor of an earlier page:
   * grants added or withdrawn meanwhile never shift the pages after it). An entry whose grant is
   * gone is skipped, so a page may hold fewer than `limit` grants and still have a `next`.
   */
  pageBySubject(subject: string, limit: number, after?: GrantCursor): Promise<GrantPage>;
  /**
   * The subject's newest `limit` live grants (index entries read), oldest first, those of one
   * client when `clientId` is given: a bounded read for the sign-in path, whatever the number of
   * grants a subject has accumulated.
   */
  findRecentBySubject(subject: string, limit: number, clientId?: string): Promise<GrantRecord[]>;
  /**
   * Records that the grant was used at `at` (ms): its `lastUsedAt`, nothing else. The record
   * keeps its deadline. False when no live grant has that id.
   */
  touch(grantId: string, at: number): Promise<boolean>;
  /**
   * Withdraws the grant: gone by id and from its subject's list at once. False when no live
   * grant had that id. Its tokens are revoked by a `grant.revoked` revocation, not by this.
   */
  delete(grantId: string): Promise<boolean>;
}
