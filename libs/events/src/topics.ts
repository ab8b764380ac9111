/**
 * The event catalogue: every lifecycle event type, its payload (schema version 1) and its topic.
 * Payloads are snake_case like the rest of the wire, and never carry a raw token or secret:
 * opaque tokens appear only as their SHA-256 digest, JWTs only by `jti`.
 */

/** Writer: issuance. Readers: projector, auditors. */
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
}

/** Writer: revocation. Readers: projector (which feeds the replicas' Redis stream), auditors. */
export interface TokenRevokedV1 {
  readonly jti: string;
  readonly client_id: string;
  readonly token_digest?: string;
  readonly exp: number;
  readonly revoked_by: string;
}

/** Writer: revocation (refresh-token reuse, admin). Covers every token of the grant. */
export interface GrantRevokedV1 {
  readonly grant_id: string;
  readonly client_id: string;
  /** Seconds: when the last token of the grant expires. */
  readonly exp: number;
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

/** Writer: issuance. Readers: verifiers, which refresh their key set at once. */
export interface KeyRotatedV1 {
  readonly kid: string;
  readonly alg: string;
  readonly jwks_uri: string;
}

export interface EventCatalogue {
  'token.issued': TokenIssuedV1;
  'token.revoked': TokenRevokedV1;
  'grant.revoked': GrantRevokedV1;
  'client.tokens_revoked': ClientTokensRevokedV1;
  'key.rotated': KeyRotatedV1;
}

export type EventType = keyof EventCatalogue;

export const TOKEN_LIFECYCLE_TOPIC = 'oauth.token-lifecycle.v1';
export const SIGNING_KEYS_TOPIC = 'oauth.signing-keys.v1';

/** Which topic each event type is written to; one grant's lifecycle shares one topic. */
export const TOPIC_OF: { readonly [T in EventType]: string } = {
  'token.issued': TOKEN_LIFECYCLE_TOPIC,
  'token.revoked': TOKEN_LIFECYCLE_TOPIC,
  'grant.revoked': TOKEN_LIFECYCLE_TOPIC,
  'client.tokens_revoked': TOKEN_LIFECYCLE_TOPIC,
  'key.rotated': SIGNING_KEYS_TOPIC,
};

export const SCHEMA_VERSION = 1;
