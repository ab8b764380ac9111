/**
 * A login or consent challenge: what the login app may read about the authorization request it
 * is asked to answer (the model of Ory Hydra's login and consent requests).
 */
export type ChallengeKind = 'login' | 'consent';

export interface InteractionChallenge {
  /** Login and consent challenges are kept apart: the id of one is never taken for the other. */
  readonly kind: ChallengeKind;
  /** The pending authorization request this interaction continues. */
  readonly requestId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly prompt: readonly string[];
  /** Seconds (OIDC Core §3.1.2.1). */
  readonly maxAge?: number;
  readonly loginHint?: string;
  readonly uiLocales: readonly string[];
  readonly acrValues: readonly string[];
  /**
   * Login: a live browser session already authenticated `subject`, so the app may accept without
   * asking again. Consent: a remembered grant already covers the request.
   */
  readonly skip: boolean;
  /** The session's subject (login, when skippable) or the one who just logged in (consent). */
  readonly subject?: string;
  /** The public session id (never the cookie value). */
  readonly sid?: string;
  /** Seconds since the epoch; with `acr` and `amr`, how `subject` authenticated. */
  readonly authTime?: number;
  readonly acr?: string;
  readonly amr?: readonly string[];
  /**
   * SHA-256 digest of the per-flow value the authorization service set in the browser's cookie
   * when it created the challenge: the browser that comes back with the verifier must hold it,
   * so an answered challenge cannot be continued in another browser (login CSRF).
   */
  readonly browserBinding: string;
  /** ms since the epoch. */
  readonly createdAt: number;
}

/** The login app authenticated the user (OIDC Core §2: `acr`, `amr`). */
export interface LoginAcceptance {
  readonly kind: 'login';
  readonly subject: string;
  readonly acr?: string;
  readonly amr: readonly string[];
  readonly remember: boolean;
  /**
   * Seconds the browser session lasts, at most SESSION_MAX_TTL_SECONDS: the login/consent API
   * records that maximum for a `remember_for` of 0 or none.
   */
  readonly rememberFor: number;
}

/** The user consented: what was granted, and the claims the ID token and /userinfo may carry. */
export interface ConsentAcceptance {
  readonly kind: 'consent';
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly idTokenClaims: Readonly<Record<string, unknown>>;
  readonly userinfoClaims: Readonly<Record<string, unknown>>;
  readonly remember: boolean;
  readonly rememberFor: number;
}

/** Login or consent refused: an RFC 6749 §4.1.2.1 error for the client's redirect URI. */
export interface InteractionRejection {
  readonly kind: 'rejected';
  readonly error: string;
  readonly errorDescription?: string;
}

export type InteractionAnswer = LoginAcceptance | ConsentAcceptance | InteractionRejection;

export interface ChallengeState {
  readonly challenge: InteractionChallenge;
  /** Absent until the login app has answered. */
  readonly answer?: InteractionAnswer;
}

/** `answered`: this call won; `already-answered`: an earlier answer stands; `unknown`: gone. */
export type AnswerOutcome = 'answered' | 'already-answered' | 'unknown';

/**
 * Login and consent challenges by id. Each goes pending → answered (exactly once) → consumed
 * (exactly once, by the browser that brings the answer's verifier back to the authorization
 * endpoint), and is gone at its deadline whatever its state.
 */
export interface InteractionChallengeStore {
  /** Keeps a new pending challenge until `expiresAt` (ms); an expired one is not kept. */
  create(id: string, challenge: InteractionChallenge, expiresAt: number): Promise<void>;
  find(kind: ChallengeKind, id: string): Promise<ChallengeState | null>;
  /**
   * Records the login app's answer, atomically and once: of concurrent answers exactly one is
   * `answered`. `verifierDigest` is the SHA-256 digest of the verifier put in the answer's
   * `redirect_to`: the verifier itself is never stored.
   */
  answer(
    kind: ChallengeKind,
    id: string,
    answer: InteractionAnswer,
    verifierDigest: string,
  ): Promise<AnswerOutcome>;
  /**
   * Removes an answered challenge and returns it, atomically and once, when `verifierDigest` is
   * the answer's; otherwise (pending, unknown, consumed or another verifier) null and nothing
   * changes.
   */
  consume(
    kind: ChallengeKind,
    id: string,
    verifierDigest: string,
  ): Promise<Required<ChallengeState> | null>;
}
