/** What an authorization code is bound to (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3.2). */
export interface AuthorizationCodeRecord {
  readonly clientId: string;
  /** Exactly as the authorization request carried it: the token request must repeat it. */
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly codeChallengeMethod: 'S256';
  readonly nonce?: string;
  readonly grantId: string;
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  /** Seconds since the epoch. */
  readonly authTime: number;
  readonly acr?: string;
  readonly amr: readonly string[];
  /** The browser session's public id, for the ID token's `sid`. */
  readonly sid?: string;
  /** The end-user claims the consent released for the ID token (OIDC Core §5.4). */
  readonly idTokenClaims: Readonly<Record<string, unknown>>;
  /**
   * RFC 9449 §10: the thumbprint of the DPoP key the authorization request named (`dpop_jkt`, or
   * the key of the proof sent to PAR, §10.1); the code is redeemed only with a proof of that key.
   */
  readonly dpopJkt?: string;
}

/**
 * `redeemed`: this call is the code's one redemption. `replayed`: the code was redeemed before;
 * RFC 6749 §4.1.2 says to refuse it and revoke what the first redemption issued, hence the grant.
 */
export type CodeRedemption =
  | { readonly outcome: 'redeemed'; readonly code: AuthorizationCodeRecord }
  | { readonly outcome: 'replayed'; readonly clientId: string; readonly grantId: string };

/**
 * Authorization codes by the SHA-256 digest of the code (base64url, as libs/tokens `tokenDigest`
 * computes it: the authorization service saves under it, the token endpoint's
 * `authorization_code` grant redeems by it): the code itself is never stored. A
 * redeemed code leaves a tombstone (client and grant only, none of the bound data) until its
 * deadline plus a margin, so a replay is recognised as one.
 */
export interface AuthorizationCodeStore {
  /** Keeps the code until `expiresAt` (ms); an expired one is not kept. */
  save(digest: string, code: AuthorizationCodeRecord, expiresAt: number): Promise<void>;
  /**
   * Redeems the code atomically: of concurrent redemptions exactly one is `redeemed`, every
   * other is `replayed`. Null for an unknown or expired code (and after the tombstone expired).
   */
  redeem(digest: string): Promise<CodeRedemption | null>;
}

/** How long a tombstone outlives its code: replicas' clocks and slow clients (ms). */
export const CODE_TOMBSTONE_MARGIN_MS = 300_000;
