/** What an ID token asserts about one sign-in, for one client (OpenID Connect Core §2). */
export interface IdTokenClaims {
  /** The end-user as this client sees them (`subjectIdentifier`: public or pairwise). */
  readonly sub: string;
  /** The client: the token's `aud` and `azp`. */
  readonly clientId: string;
  /** When the end-user authenticated, in seconds. */
  readonly authTime: number;
  /** The authorization request's `nonce`, unchanged, when it had one (§3.1.2.1). */
  readonly nonce?: string;
  readonly acr?: string;
  readonly amr?: readonly string[];
  /** The browser session's public id (never the session cookie's value). */
  readonly sid?: string;
  /** The grant the sign-in produced; every token of a grant carries it. */
  readonly grantId?: string;
  /** The access token issued with this ID token: bound by `at_hash` (§3.1.3.6). */
  readonly accessToken?: string;
  /**
   * The end-user claims released to this client (`releasedClaims`). Only standard claims
   * (§5.1) are carried; nothing here can replace a claim the token itself asserts.
   */
  readonly userClaims?: Readonly<Record<string, unknown>>;
}
