import type { ClientConfig, ResourceConfig } from '@app/config';
import type { RegistryDocument } from '@app/events';

/**
 * The registry as a port: look-ups plus a subscription to changes (DESIGN "The registry is a
 * log-backed projection too"). CONFIG_FILE seeds it (the read-only file adapter); the events of
 * `oauth.registry.v1` apply on top, each replacing or deleting the entry of its id, file-seeded
 * or not. Every replica holds the same snapshot once it has read the log, and follows it.
 */
export interface RegistryView {
  client(clientId: string): ClientConfig | undefined;
  resource(identifier: string): ResourceConfig | undefined;
  clients(): readonly ClientConfig[];
  resources(): readonly ResourceConfig[];
  /**
   * The client as CONFIG_FILE writes it: its secret only as `client_secret_hash` (a plain
   * development secret from the file is left out, never shown).
   */
  clientDocument(clientId: string): RegistryDocument | undefined;
  resourceDocument(identifier: string): RegistryDocument | undefined;
  /** What dynamic client registration (RFC 7592) stored beside the client's document. */
  registration(clientId: string): ClientRegistration | undefined;
  /** Called after each change is applied; returns the unsubscribe function. */
  onChange(listener: RegistryListener): () => void;
}

export interface ClientRegistration {
  /** base64url SHA-256 of the registration access token (RFC 7592 §3). */
  readonly registrationAccessTokenDigest?: string;
}

/** What changed: the entry before and after (absent: did not exist, or deleted). */
export type RegistryChange =
  | {
      readonly kind: 'client';
      readonly id: string;
      readonly before?: ClientConfig;
      readonly after?: ClientConfig;
    }
  | {
      readonly kind: 'resource';
      readonly id: string;
      readonly before?: ResourceConfig;
      readonly after?: ResourceConfig;
    };

export type RegistryListener = (change: RegistryChange) => void;

/** Stored beside a client's document by dynamic client registration. */
export interface ClientWriteMeta {
  /** base64url SHA-256 of a new registration access token; absent: the current one is kept. */
  readonly registrationAccessTokenDigest?: string;
  /**
   * The registration access token the change was asked with (RFC 7592 §2.2, §2.3), spent by
   * it: the change applies only while that token is still the client's and nobody spent it. A
   * replace that spends it must name the next one (`registrationAccessTokenDigest`).
   */
  readonly authorizedBy?: RegistrationTokenUse;
}

/**
 * One use of a registration access token. Two changes asked with the same token (a retried or
 * a replayed PUT, a PUT racing a DELETE, on one replica or two) cannot both apply: the second
 * would leave its caller with a token that no longer works, or undo the first.
 */
export interface RegistrationTokenUse {
  /** base64url SHA-256 of the token presented. */
  readonly digest: string;
  /** Claims the token for this change, once across every replica; false if already spent. */
  spend(): Promise<boolean>;
  /** The change was not written after all: the token may be used again. */
  refund(): Promise<void>;
}

/** What a client write answers: the document as stored, and a new secret, shown once. */
export interface ClientWritten {
  readonly clientId: string;
  readonly document: RegistryDocument;
  /** The plain secret generated (or given) by this write: the only time it is ever seen. */
  readonly clientSecret?: string;
}

/** A secret rotation (`client.secret_rotated`): the new secret, shown once. */
export interface SecretRotated {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Seconds since the epoch until which the previous secret is still accepted (absent: not). */
  readonly previousSecretExpiresAt?: number;
}

/** A client as the snapshot holds it: parsed, as written, and what is stored beside it. */
export interface ClientEntry {
  readonly config: ClientConfig;
  /** Absent for a client built in code (tests); a file's may hold a plain development secret. */
  readonly document?: RegistryDocument;
  readonly registrationAccessTokenDigest?: string;
  /** The secret before the last rotation, accepted until `expiresAt` (seconds). */
  readonly previousSecret?: { readonly hash: string; readonly expiresAt: number };
}

export interface ResourceEntry {
  readonly config: ResourceConfig;
  readonly document?: RegistryDocument;
}
