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
  /** The subject's live grants, of one client when `clientId` is given, oldest first. */
  findBySubject(subject: string, clientId?: string): Promise<GrantRecord[]>;
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
