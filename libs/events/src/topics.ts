/**
 * The event catalogue: every lifecycle event type, its payload at each schema version, and its
 * topic. Payloads are snake_case like the rest of the wire, and never carry a raw token, a code,
 * a secret, a password or a user's claims: opaque tokens appear only as their SHA-256 digest,
 * JWTs only by `jti`, users only by their subject identifier, browser sessions only by their
 * public `sid` (the value ID tokens carry, never the cookie).
 */

/**
 * What kind of token a `token.issued` records (v3 `token_kind`, v2 `kind`; v1 is always an access
 * token). An ID token is not an access token (OIDC Core §2).
 */
export const TOKEN_KINDS = ['access_token', 'id_token', 'refresh_token'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/**
 * Written by issuance until v3 (logs keep it). Readers: projector, auditors. v1 is always an
 * access token.
 */
export interface TokenIssuedV1 {
  readonly jti: string;
  readonly client_id: string;
  readonly sub: string;
  readonly aud: string;
  readonly scope: string;
  readonly grant_type: string;
  readonly grant_id?: string;
  readonly format: 'jwt' | 'opaque';
  /** base64url SHA-256 of an opaque token; absent for JWTs. */
  readonly token_digest?: string;
  readonly iat: number;
  readonly exp: number;
  /**
   * RFC 9068 §2.2.1 / OIDC Core §2: when and how the user of the grant authenticated (seconds;
   * `acr`; `amr` method names such as `pwd`). Present on tokens of a user's grant only, so the
   * projector rebuilds an opaque token's record whole. How a user signed in, never who they are
   * beyond `sub`: no user claim is ever written here. Only tokens that did not exist before the
   * sign-in flow carry them, so no earlier v1 reader ever met one it could not read.
   */
  readonly auth_time?: number;
  readonly acr?: string;
  readonly amr?: readonly string[];
}

/**
 * Written by issuance until v3 (logs keep it) for a token v1 cannot describe (an ID token, `aud`
 * = its client; a refresh token). Readers: projector, auditors.
 */
export interface TokenIssuedV2 extends TokenIssuedV1 {
  readonly kind: TokenKind;
  /**
   * Refresh tokens only (`kind` refresh_token, `format` opaque, `token_digest` its digest, `aud`
   * the issuer, `exp` its idle deadline): seconds, the absolute deadline of the grant's refresh
   * tokens (`refresh_token_ttl` from the grant's creation), so the projector rebuilds the family.
   */
  readonly family_exp?: number;
}

/**
 * Writer: issuance, for every token it mints (access, ID and refresh tokens alike). Readers:
 * projector, auditors. v1 with `token_kind` (the name v2 spelt `kind`) and the refresh family's
 * deadline; `grant_id` whenever the token has a grant (every ID and refresh token, every access
 * token but client_credentials'). Logs written before it keep their v1 and v2 events, which
 * every reader of this catalogue still reads; a reader that knows only v1 or v2 skips v3 as
 * another version rather than misreading it.
 */
export interface TokenIssuedV3 extends TokenIssuedV1 {
  readonly token_kind: TokenKind;
  /** As in v2: refresh tokens only, the absolute deadline of the grant's refresh tokens. */
  readonly family_exp?: number;
}

/** RFC 7800 `cnf` members a bound token can carry (RFC 9449 §6 `jkt`, RFC 8705 §3.1 `x5t#S256`). */
export const CONFIRMATION_KINDS = ['jkt', 'x5t#S256'] as const;

/**
 * Writer: issuance, for a sender-constrained access token only (DPoP, RFC 9449; mutual TLS,
 * RFC 8705); every other token stays v3, so a reader that knows v3 reads every bearer token and
 * skips only bound ones, which did not exist before v4. v3 with the binding: which `cnf` member
 * and its thumbprint (base64url SHA-256 of the JWK, RFC 7638, or of the DER certificate), never
 * the key or the certificate.
 */
export interface TokenIssuedV4 extends TokenIssuedV3 {
  readonly cnf_kind: (typeof CONFIRMATION_KINDS)[number];
  readonly cnf_thumbprint: string;
}

/**
 * Writer: issuance, for a token obtained with a token of a trusted external issuer; every other
 * token stays v3 or v4, so their readers skip only these, which did not exist before v5. v3 with
 * the binding of v4 when the token is bound, and what an auditor needs to answer "which
 * workload obtained this token" from the log alone: never the external token itself.
 */
export interface TokenIssuedV5 extends TokenIssuedV3 {
  readonly cnf_kind?: (typeof CONFIRMATION_KINDS)[number];
  readonly cnf_thumbprint?: string;
  /**
   * The external credential the token was obtained with: the federated credential that
   * authenticated the client (RFC 7523 §2.2; its `iss` and `sub`, the workload's identity at its
   * platform), else the JWT-bearer grant's assertion (§2.1).
   */
  readonly federated_issuer: string;
  readonly federated_subject: string;
  /**
   * JWT-bearer grant (RFC 7523 §2.1) only: the issuer of the assertion about the user, which the
   * token carries as its `idp` claim (its `sub` is the assertion's).
   */
  readonly idp?: string;
}

/** RFC 8693 §4.1 `act` as it rides on `token.issued` v6: subjects and client ids, nested. */
export interface ActorChainV6 {
  readonly sub: string;
  readonly client_id?: string;
  readonly act?: ActorChainV6;
}

/** RFC 8693: how an exchanged token represents its subject (exchange-actor.ts in issuance). */
export const EXCHANGE_KINDS = ['delegation', 'impersonation'] as const;

/**
 * Writer: issuance, for an access token issued by a token exchange (RFC 8693) only; every other
 * token stays v3, v4 or v5, so a reader that knows v5 reads every token but exchanged ones, which
 * did not exist before v6. v3 with the binding of v4 and the federated credential of v5 (each
 * optional here: the exchanging client may be bound, or authenticated by a federated
 * credential) and the exchange chain, so an auditor answers "on whose behalf did this service
 * act" from the log alone: the actor chain (`act`, the current actor first, nested as in the
 * token), and the subject token by its `jti` (and digest when opaque), its client and its grant,
 * never the token itself.
 */
export interface TokenIssuedV6 extends TokenIssuedV3 {
  /** The exchange's own grant (exchange-grant.ts): revoking it, or its chain, revokes this token. */
  readonly grant_id: string;
  readonly cnf_kind?: (typeof CONFIRMATION_KINDS)[number];
  readonly cnf_thumbprint?: string;
  /**
   * As in v5: the federated credential the exchanging client authenticated with, else, when the
   * subject token is a trusted external issuer's JWT, that token's issuer and subject.
   */
  readonly federated_issuer?: string;
  readonly federated_subject?: string;
  /**
   * As in v5, the token's `idp` claim: the trusted external issuer `sub` is known at, when the
   * subject token is that issuer's JWT (or one of ours that carried `idp`).
   */
  readonly idp?: string;
  readonly exchange_kind: (typeof EXCHANGE_KINDS)[number];
  /** Absent for an impersonation of a token that had no actor. */
  readonly act?: ActorChainV6;
  /** An external subject token's `jti`, or its digest when it has none. */
  readonly subject_jti: string;
  /** The client the subject token was issued to; for an external subject token, its issuer. */
  readonly subject_client_id: string;
  readonly subject_token_digest?: string;
  /** The subject token's grant, under which this token's own grant (`grant_id`) is chained. */
  readonly subject_grant_id?: string;
}

/** Whichever version it was written as, what kind of token a `token.issued` records. */
export const tokenKindOf = (
  data:
    TokenIssuedV1 | TokenIssuedV2 | TokenIssuedV3 | TokenIssuedV4 | TokenIssuedV5 | TokenIssuedV6,
): TokenKind =>
  'token_kind' in data ? data.token_kind : 'kind' in data ? data.kind : 'access_token';

/** The token kinds that always belong to a grant: their `token.issued` v3 carries `grant_id`. */
export const GRANT_BOUND_KINDS: readonly TokenKind[] = ['id_token', 'refresh_token'];

/** Writer: revocation. Readers: projector (which feeds the replicas' Redis stream), auditors. */
export interface TokenRevokedV1 {
  readonly jti: string;
  readonly client_id: string;
  readonly token_digest?: string;
  readonly exp: number;
  readonly revoked_by: string;
}

/**
 * Writers: revocation (refresh-token reuse, admin), issuance (an authorization code presented
 * twice: `code_replay`, RFC 6749 §4.1.2). Covers every token of the grant.
 */
export interface GrantRevokedV1 {
  readonly grant_id: string;
  readonly client_id: string;
  /** Seconds: when the last access token of the grant expires (what replicas' mirrors keep). */
  readonly exp: number;
  /**
   * Seconds: when the last refresh token of the grant could expire; absent when the client
   * gets none. The refresh path keeps seeing the revocation until then, mirrors do not.
   */
  readonly refresh_exp?: number;
  readonly reason: string;
}

/** Writer: revocation (admin). Covers every token of the client issued up to `revoked_at`. */
export interface ClientTokensRevokedV1 {
  readonly client_id: string;
  /** Milliseconds since the epoch. */
  readonly revoked_at: number;
  /** Seconds since the epoch: when the last token the revocation covers expires. */
  readonly exp: number;
  readonly reason: string;
}

/**
 * Writer: revocation (admin API: "sign out everywhere", an account deleted). Covers every token
 * whose `sub` is `sub`, of every client, issued up to `revoked_at`. Pairwise subjects (OIDC Core
 * §8.1) are covered by the `grant.revoked` (reason `subject_revoked`) written beside it for each
 * live grant of the subject. Only the subject identifier: no other user data.
 */
export interface SubjectTokensRevokedV1 {
  readonly sub: string;
  /** Milliseconds since the epoch. */
  readonly revoked_at: number;
  /** Seconds since the epoch: when the last token the revocation covers expires. */
  readonly exp: number;
  readonly reason: string;
}

/** Writer: issuance. Readers: verifiers, which refresh their key set at once. */
export interface KeyRotatedV1 {
  readonly kid: string;
  readonly alg: string;
  readonly jwks_uri: string;
}

/**
 * The steps of a runtime rotation (README "Signing keys"), each written once: the key is in the
 * JWKS (`published`), signs (`activated`), no longer signs (`retired`), has left the JWKS
 * (`removed`).
 */
export const KEY_ROTATION_STEPS = ['published', 'activated', 'retired', 'removed'] as const;
export type KeyRotationStep = (typeof KEY_ROTATION_STEPS)[number];

/**
 * Writer: whichever replica reaches the step first (the admin API for `published`, claimed in
 * the signing-key store). Readers: every replica's key ring, verifiers (refetch the JWKS),
 * auditors. v1 plus the step and the key's schedule, in milliseconds since the epoch; a key
 * seeded from KEYS_FILE has no `activate_at`. Never a private key.
 */
export interface KeyRotatedV2 extends KeyRotatedV1 {
  readonly step: KeyRotationStep;
  readonly activate_at?: number;
  readonly retire_at?: number;
  readonly remove_at?: number;
}

/**
 * Writer: authorization, once consent is given (or skipped), before the code goes to the
 * browser. Readers: auditors (the projector keeps no grant state yet). What a subject consented
 * to for a client: every token of the grant carries its `grant_id`.
 */
export interface GrantCreatedV1 {
  readonly grant_id: string;
  /** The subject as the login app identified it; tokens may carry a pairwise one (OIDC §8.1). */
  readonly sub: string;
  readonly client_id: string;
  readonly scopes: readonly string[];
  /** RFC 8707 resource indicators consented to; empty when none was requested. */
  readonly resources: readonly string[];
  /** OIDC Core §2 `acr`, as the login app reported it. */
  readonly acr?: string;
  /** OIDC Core §2 `amr` (e.g. `pwd`, `otp`), as the login app reported it. */
  readonly amr?: readonly string[];
  /** Seconds: when the subject authenticated (OIDC Core §2 `auth_time`). */
  readonly auth_time: number;
  /** The browser session the consent was given in, when there is one. */
  readonly sid?: string;
}

/**
 * Why a sign-in was refused, each with the error the client is sent by default at its
 * redirect URI (RFC 6749 §4.1.2.1; OIDC Core §3.1.2.6 for `prompt=none`).
 */
export const DENIAL_REASONS = {
  /** The login app rejected the login (the user gave up, or is not allowed in). */
  login_rejected: 'access_denied',
  /** The user refused consent, or the login app rejected the consent request. */
  consent_denied: 'access_denied',
  /** `prompt=none`, but there is no session that may skip login (or `max_age` has passed). */
  login_required: 'login_required',
  /** `prompt=none`, but the client has no consent for what it asked. */
  consent_required: 'consent_required',
} as const;
export type DenialReason = keyof typeof DENIAL_REASONS;

/**
 * The errors a denied authorization may send: RFC 6749 §4.1.2.1 `access_denied` and the
 * OIDC Core §3.1.2.6 interaction errors. A login app that rejects a login may choose one.
 */
export const DENIAL_ERRORS = [
  'access_denied',
  'login_required',
  'consent_required',
  'interaction_required',
  'account_selection_required',
] as const;
export type DenialError = (typeof DENIAL_ERRORS)[number];

/**
 * Writer: authorization, when it sends a denial to the client's redirect URI. Readers:
 * auditors. No `error_description`: a login app's free text may name the user.
 */
export interface AuthorizationDeniedV1 {
  readonly client_id: string;
  readonly reason: DenialReason;
  /** The error the client was sent (`DENIAL_REASONS[reason]` unless the login app chose). */
  readonly error: DenialError;
  /** The subject, when the denial came after login (consent denied or required). */
  readonly sub?: string;
  readonly sid?: string;
}

/** Writer: authorization, after a login the login app accepted. Readers: auditors. */
export interface SessionStartedV1 {
  readonly sid: string;
  readonly sub: string;
  /** Seconds: when the subject authenticated. */
  readonly auth_time: number;
  /** Seconds: when the session lapses (the login app's `remember_for`), unless ended before. */
  readonly exp: number;
  readonly acr?: string;
  readonly amr?: readonly string[];
  /** The client whose authorization request the login answered. */
  readonly client_id?: string;
}

/** Why a browser session ended before its `exp`. */
export const SESSION_END_REASONS = [
  /** OpenID RP-Initiated Logout 1.0 at `/oauth2/logout`. */
  'logout',
  /** A new login in the same browser (`prompt=login`, `max_age`, another user): new `sid`. */
  'replaced',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** Writer: authorization (logout, or a new login replacing the session). Readers: auditors. */
export interface SessionEndedV1 {
  readonly sid: string;
  readonly sub: string;
  readonly reason: SessionEndReason;
  /** The client that asked for the logout (`id_token_hint` or `client_id`), when known. */
  readonly client_id?: string;
}

/**
 * A client or a resource as CONFIG_FILE writes it (README "Configuration"): the registry's
 * documents travel whole, so that the latest event of each key rebuilds it on a compacted topic.
 * Never a plain secret: a client's secret only as `client_secret_hash` (scrypt).
 */
export type RegistryDocument = { readonly [member: string]: unknown };

/**
 * Writer: the registry's writer (admin API, dynamic client registration). Readers: every
 * replica's registry snapshot, auditors. `client.registered`, `client.updated` and
 * `client.secret_rotated` carry the client's whole current state: its document, the digest of
 * its registration access token (RFC 7592 §3) when it has one, and, while a rotated secret's
 * overlap lasts, the previous secret's scrypt hash with its deadline, which every later event of
 * the client repeats until then.
 */
export interface ClientStateV1 {
  readonly client_id: string;
  readonly client: RegistryDocument;
  /** base64url SHA-256 of the registration access token (RFC 7592 §3): never the token. */
  readonly registration_access_token_digest?: string;
  /** The secret before the last rotation, still accepted until `previous_secret_expires_at`. */
  readonly previous_client_secret_hash?: string;
  /** Seconds since the epoch. */
  readonly previous_secret_expires_at?: number;
}

/** Writer: the registry's writer. The client is gone; its tokens are revoked beside it. */
export interface ClientDeletedV1 {
  readonly client_id: string;
}

/** Writer: the registry's writer (admin API). The resource's whole current document. */
export interface ResourceStateV1 {
  readonly identifier: string;
  readonly resource: RegistryDocument;
}

/** Writer: the registry's writer (admin API), for a resource no client names any more. */
export interface ResourceDeletedV1 {
  readonly identifier: string;
}

/**
 * Writer: the admin API (`POST /admin/initial-access-tokens`), before the token is stored and
 * shown. Readers: auditors: who let registrations in, how many, until when (RFC 7591 §3). The
 * token only as its digest, the key a later registration's audit can be matched on.
 */
export interface InitialAccessTokenIssuedV1 {
  /** base64url SHA-256 of the initial access token: never the token. */
  readonly token_digest: string;
  /** The admin client that asked for it. */
  readonly issued_by: string;
  /** How many clients it may register. */
  readonly uses: number;
  /** Seconds since the epoch: when it expires, spent or not. */
  readonly exp: number;
}

/** Every event type, with the payload of each schema version it has. */
export interface EventSchemas {
  'token.issued': {
    readonly v1: TokenIssuedV1;
    readonly v2: TokenIssuedV2;
    readonly v3: TokenIssuedV3;
    readonly v4: TokenIssuedV4;
    readonly v5: TokenIssuedV5;
    readonly v6: TokenIssuedV6;
  };
  'token.revoked': { readonly v1: TokenRevokedV1 };
  'grant.revoked': { readonly v1: GrantRevokedV1 };
  'client.tokens_revoked': { readonly v1: ClientTokensRevokedV1 };
  'subject.tokens_revoked': { readonly v1: SubjectTokensRevokedV1 };
  'key.rotated': { readonly v1: KeyRotatedV1; readonly v2: KeyRotatedV2 };
  'grant.created': { readonly v1: GrantCreatedV1 };
  'authorization.denied': { readonly v1: AuthorizationDeniedV1 };
  'session.started': { readonly v1: SessionStartedV1 };
  'session.ended': { readonly v1: SessionEndedV1 };
  'client.registered': { readonly v1: ClientStateV1 };
  'client.updated': { readonly v1: ClientStateV1 };
  'client.secret_rotated': { readonly v1: ClientStateV1 };
  'client.deleted': { readonly v1: ClientDeletedV1 };
  'resource.registered': { readonly v1: ResourceStateV1 };
  'resource.updated': { readonly v1: ResourceStateV1 };
  'resource.deleted': { readonly v1: ResourceDeletedV1 };
  'initial_access_token.issued': { readonly v1: InitialAccessTokenIssuedV1 };
}

export type EventType = keyof EventSchemas;
/** The schema versions of a type, as they appear in `dataschema` (`v1`, `v2`). */
export type SchemaVersion<T extends EventType> = keyof EventSchemas[T] & `v${number}`;
/** Each type's payload, whichever version it was written as. */
export type EventCatalogue = { [T in EventType]: EventSchemas[T][SchemaVersion<T>] };

/**
 * The version each payload is written as: the lowest that can carry it, so a reader that knows
 * only the older version still reads everything it can understand.
 */
const WRITTEN_AS: { readonly [T in EventType]: (data: EventCatalogue[T]) => SchemaVersion<T> } = {
  // Producers write v6 for an exchanged token, v5 for another token obtained with an external
  // issuer's token, v4 for another sender-constrained token and v3 for every other; v1 and v2
  // shapes are those of logs written before v3.
  'token.issued': (d) =>
    'exchange_kind' in d
      ? 'v6'
      : 'federated_issuer' in d
        ? 'v5'
        : 'cnf_kind' in d
          ? 'v4'
          : 'token_kind' in d
            ? 'v3'
            : 'kind' in d
              ? 'v2'
              : 'v1',
  'token.revoked': () => 'v1',
  'grant.revoked': () => 'v1',
  'client.tokens_revoked': () => 'v1',
  'subject.tokens_revoked': () => 'v1',
  // v1 for a key announced at start (KEYS_FILE), v2 for each step of a runtime rotation.
  'key.rotated': (d) => ('step' in d ? 'v2' : 'v1'),
  'grant.created': () => 'v1',
  'authorization.denied': () => 'v1',
  'session.started': () => 'v1',
  'session.ended': () => 'v1',
  'client.registered': () => 'v1',
  'client.updated': () => 'v1',
  'client.secret_rotated': () => 'v1',
  'client.deleted': () => 'v1',
  'resource.registered': () => 'v1',
  'resource.updated': () => 'v1',
  'resource.deleted': () => 'v1',
  'initial_access_token.issued': () => 'v1',
};
export const schemaVersionOf = <T extends EventType>(type: T, data: EventCatalogue[T]) =>
  (WRITTEN_AS[type] as (d: EventCatalogue[T]) => SchemaVersion<T>)(data);

export const TOKEN_LIFECYCLE_TOPIC = 'oauth.token-lifecycle.v1';
export const SIGNING_KEYS_TOPIC = 'oauth.signing-keys.v1';
/**
 * Clients and resources (libs/registry): compacted, one partition (changes are rare, and a
 * client names resources, so their order across keys matters), keyed `client:<client_id>` or
 * `resource:<identifier>`. Writer: the registry's writer; readers: every replica's snapshot.
 */
export const REGISTRY_TOPIC = 'oauth.registry.v1';

/** The registry event types: on REGISTRY_TOPIC, never read by the projector. */
export const REGISTRY_EVENT_TYPES = [
  'client.registered',
  'client.updated',
  'client.secret_rotated',
  'client.deleted',
  'resource.registered',
  'resource.updated',
  'resource.deleted',
] as const satisfies readonly EventType[];
export type RegistryEventType = (typeof REGISTRY_EVENT_TYPES)[number];

/** The Kafka key of a client's or a resource's events (the two never share a key). */
export const registryKeyOf = (kind: 'client' | 'resource', id: string) => `${kind}:${id}`;
/**
 * Never created: the readiness check of a replicated log asks the controller to validate its
 * creation (replica-health.ts `controllerAnswers`), which only a live controller quorum answers.
 */
export const CONTROLLER_PROBE_TOPIC = 'oauth.controller-probe';

/**
 * Which topic each event type is written to. A grant's whole life (created, its tokens, its
 * revocation) shares one topic and one key, so it is in order; sign-in events join it so that
 * an auditor (and the projector, once it keeps grant and session state) reads one log.
 */
export const TOPIC_OF: { readonly [T in EventType]: string } = {
  'token.issued': TOKEN_LIFECYCLE_TOPIC,
  'token.revoked': TOKEN_LIFECYCLE_TOPIC,
  'grant.revoked': TOKEN_LIFECYCLE_TOPIC,
  'client.tokens_revoked': TOKEN_LIFECYCLE_TOPIC,
  'subject.tokens_revoked': TOKEN_LIFECYCLE_TOPIC,
  'key.rotated': SIGNING_KEYS_TOPIC,
  'grant.created': TOKEN_LIFECYCLE_TOPIC,
  'authorization.denied': TOKEN_LIFECYCLE_TOPIC,
  'session.started': TOKEN_LIFECYCLE_TOPIC,
  'session.ended': TOKEN_LIFECYCLE_TOPIC,
  'client.registered': REGISTRY_TOPIC,
  'client.updated': REGISTRY_TOPIC,
  'client.secret_rotated': REGISTRY_TOPIC,
  'client.deleted': REGISTRY_TOPIC,
  'resource.registered': REGISTRY_TOPIC,
  'resource.updated': REGISTRY_TOPIC,
  'resource.deleted': REGISTRY_TOPIC,
  // An audit record, not registry state: on the retained lifecycle log, keyed by its digest.
  'initial_access_token.issued': TOKEN_LIFECYCLE_TOPIC,
};
