/**
 * The login/consent API (the model of Ory Hydra's): how a login app learns what an authorization
 * request asks and answers it. The authorization service serves it over HTTP to `login_provider`
 * clients (HTTP Basic, `client_secret_basic`); the reference login app calls it over HTTP when run
 * apart, or in-process when mounted in the standalone server. Wire names are snake_case and form
 * a documented contract (README, docs/openapi.yaml): keep them.
 */

/** Paths, relative to the authorization service's origin. Challenges travel in the query. */
export const LOGIN_CONSENT_PATHS = {
  loginRequest: '/oauth2/auth/requests/login',
  acceptLogin: '/oauth2/auth/requests/login/accept',
  rejectLogin: '/oauth2/auth/requests/login/reject',
  consentRequest: '/oauth2/auth/requests/consent',
  acceptConsent: '/oauth2/auth/requests/consent/accept',
  rejectConsent: '/oauth2/auth/requests/consent/reject',
} as const;

/** `GET loginRequest?login_challenge=…`: what the login app may show and decide on. */
export interface LoginRequestView {
  readonly challenge: string;
  readonly client: { readonly client_id: string };
  readonly requested_scope: readonly string[];
  readonly requested_resource: readonly string[];
  /** A live browser session already authenticated `subject`: the app may accept at once. */
  readonly skip: boolean;
  /** The session's subject, when `skip`. */
  readonly subject?: string;
  /** The session's public id (`sid`), when there is a session. */
  readonly session_id?: string;
  /** OIDC Core §3.1.2.1 parameters of the authorization request, passed on. */
  readonly prompt: readonly string[];
  readonly max_age?: number;
  readonly login_hint?: string;
  readonly ui_locales: readonly string[];
  readonly acr_values: readonly string[];
}

/** `PUT acceptLogin?login_challenge=…` body. */
export interface AcceptLoginBody {
  /** The user's local subject identifier (required, 1–255 characters). */
  readonly subject: string;
  readonly acr?: string;
  /** OIDC Core §2 / RFC 8176 values, e.g. `["pwd"]`. */
  readonly amr?: readonly string[];
  /** Keep a browser session so that later authorizations may skip login. */
  readonly remember?: boolean;
  /** Seconds the session lasts (capped by SESSION_MAX_TTL_SECONDS); 0 or absent: the cap. */
  readonly remember_for?: number;
}

/** `PUT rejectLogin|rejectConsent?…_challenge=…` body (RFC 6749 §4.1.2.1 / OIDC Core §3.1.2.6). */
export interface RejectBody {
  /** One of DENIAL_ERRORS (libs/events); `access_denied` when absent. */
  readonly error?: string;
  /** Sent to the client as `error_description`; never put on an event. */
  readonly error_description?: string;
}

/** `GET consentRequest?consent_challenge=…`. */
export interface ConsentRequestView {
  readonly challenge: string;
  readonly client: { readonly client_id: string };
  readonly requested_scope: readonly string[];
  readonly requested_resource: readonly string[];
  /** The client is first-party (`skip_consent`) or a remembered grant covers the request. */
  readonly skip: boolean;
  readonly subject: string;
  readonly session_id?: string;
  /** Seconds since the epoch. */
  readonly auth_time: number;
  readonly acr?: string;
  readonly amr: readonly string[];
  readonly prompt: readonly string[];
  readonly ui_locales: readonly string[];
}

/** `PUT acceptConsent?consent_challenge=…` body. */
export interface AcceptConsentBody {
  /** A subset of `requested_scope`. */
  readonly grant_scope: readonly string[];
  /** A subset of `requested_resource`; all of them when absent. */
  readonly grant_resource?: readonly string[];
  /**
   * End-user claims for the ID token and for /userinfo. Only the standard claims (OIDC Core
   * §5.1) of the granted scopes are ever released (libs/tokens `releasedClaims`).
   */
  readonly session?: {
    readonly id_token?: Readonly<Record<string, unknown>>;
    readonly userinfo?: Readonly<Record<string, unknown>>;
  };
  /** Remember this consent, so a later authorization asking no more is offered as `skip`. */
  readonly remember?: boolean;
  readonly remember_for?: number;
}

/** Every accept and reject answers where to send the browser next. */
export interface RedirectAnswer {
  /**
   * The authorization endpoint with `login_challenge` and `login_verifier` (or `consent_…`) in
   * its query. The verifier is 256 random bits, base64url, made for this answer; the store
   * keeps only its SHA-256 digest (libs/tokens `tokenDigest`: base64url), so the authorization
   * endpoint consumes the challenge with `tokenDigest(verifier)` of the verifier it is brought.
   */
  readonly redirect_to: string;
}

/**
 * The API as the in-process login app calls it. Failures throw the same errors the HTTP API
 * renders: `OAuthError` subclasses from `libs/oauth` (e.g. 404 for an unknown challenge).
 */
export interface LoginConsentApi {
  loginRequest(challenge: string): Promise<LoginRequestView>;
  acceptLogin(challenge: string, body: AcceptLoginBody): Promise<RedirectAnswer>;
  rejectLogin(challenge: string, body: RejectBody): Promise<RedirectAnswer>;
  consentRequest(challenge: string): Promise<ConsentRequestView>;
  acceptConsent(challenge: string, body: AcceptConsentBody): Promise<RedirectAnswer>;
  rejectConsent(challenge: string, body: RejectBody): Promise<RedirectAnswer>;
}

/** Nest injection token of the in-process LoginConsentApi (bound by the authorization module). */
export const LOGIN_CONSENT_API = Symbol('LoginConsentApi');
