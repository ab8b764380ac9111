/** A browser's single sign-on session at the authorization service. */
export interface BrowserSession {
  /**
   * The public session id that ID tokens (`sid`, OpenID Front/Back-Channel Logout) and events
   * carry. Never the cookie value, which is a bearer secret.
   */
  readonly sid: string;
  readonly subject: string;
  /** Seconds since the epoch (OIDC Core §2 `auth_time`). */
  readonly authTime: number;
  readonly acr?: string;
  readonly amr: readonly string[];
}

/**
 * Browser sessions by the SHA-256 digest of the session cookie's value (only the digest is kept,
 * like opaque tokens). A session lives until its deadline (`remember_for`).
 */
export interface BrowserSessionStore {
  /** Keeps a session until `expiresAt` (ms); an expired one is not kept. */
  save(digest: string, session: BrowserSession, expiresAt: number): Promise<void>;
  find(digest: string): Promise<BrowserSession | null>;
  /**
   * Moves the session from one cookie value to a new one after a login, so that a cookie value
   * planted before the login is worth nothing after it (session fixation: OWASP's session
   * management guidance renews the id on every privilege change). The old digest stops working atomically: of concurrent rotations exactly one
   * succeeds and gets the previous session; the others (and an unknown digest) get null.
   */
  rotate(
    fromDigest: string,
    toDigest: string,
    session: BrowserSession,
    expiresAt: number,
  ): Promise<BrowserSession | null>;
  /** Ends the session (logout) and returns it, once; null when there was none. */
  delete(digest: string): Promise<BrowserSession | null>;
}
