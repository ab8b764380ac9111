/**
 * A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1), kept
 * while the browser goes through login and consent so that any replica can continue it.
 */
export interface PendingAuthorizationRequest {
  readonly clientId: string;
  /** Exactly as the client sent it (RFC 6749 §4.1.3: the token request must repeat it). */
  readonly redirectUri: string;
  readonly responseMode: 'query' | 'form_post';
  readonly scopes: readonly string[];
  /** RFC 8707 `resource` values. */
  readonly resources: readonly string[];
  readonly state?: string;
  readonly nonce?: string;
  readonly codeChallenge: string;
  /** RFC 9700 §2.1.1: S256 only. */
  readonly codeChallengeMethod: 'S256';
  readonly prompt: readonly string[];
  /** Seconds (OIDC Core §3.1.2.1). */
  readonly maxAge?: number;
  readonly loginHint?: string;
  readonly uiLocales: readonly string[];
  readonly acrValues: readonly string[];
  /** When the request was received, ms since the epoch. */
  readonly receivedAt: number;
  /** RFC 9449 §10: the DPoP key thumbprint the code will be bound to (`dpop_jkt`). */
  readonly dpopJkt?: string;
}

/**
 * `pushed`: stored by `POST /oauth2/par` under its `request_uri` (RFC 9126 §2.2), taken once by
 * the authorization endpoint. `pending`: a request waiting for login and consent. They are kept
 * apart so that the id of one can never be presented as the other.
 */
export type AuthorizationRequestKind = 'pushed' | 'pending';

export interface AuthorizationRequestStore {
  /** Keeps `request` under `id` until `expiresAt` (ms); an expired one is not kept. */
  save(
    kind: AuthorizationRequestKind,
    id: string,
    request: PendingAuthorizationRequest,
    expiresAt: number,
  ): Promise<void>;
  find(kind: AuthorizationRequestKind, id: string): Promise<PendingAuthorizationRequest | null>;
  /**
   * Removes and returns the request in one atomic step: of concurrent takes, exactly one gets
   * it (RFC 9126 §4: a `request_uri` is used once).
   */
  take(kind: AuthorizationRequestKind, id: string): Promise<PendingAuthorizationRequest | null>;
}
