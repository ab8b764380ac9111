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
  find(grantId: string): Promise<GrantRecord | null>;
  /** The subject's live grants, of one client when `clientId` is given, oldest first. */
  findBySubject(subject: string, clientId?: string): Promise<GrantRecord[]>;
}
