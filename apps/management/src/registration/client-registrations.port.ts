import type { ClientConfig } from '@app/config';
import type { ClientDocument } from './client-metadata.request';

/** A client as a write left it, and the secret the write generated (shown this once). */
export interface RegisteredClient {
  readonly client: ClientConfig;
  readonly clientSecret?: string;
}

/**
 * What registration needs of the registry (libs/registry): its live read side and its writer.
 * Every write is acknowledged by the registry's log before it resolves, and in effect on this
 * replica then; every other replica follows the log. A write of a secret method without a
 * secret generates one (create) or keeps the current one (replace), stored only as its hash.
 */
export interface ClientRegistrations {
  /** The client as every replica knows it now, or undefined. */
  client(clientId: string): ClientConfig | undefined;
  /**
   * The digest of the client's registration access token (RFC 7592 §1), or undefined for a
   * client that was not registered here (configured, or created by the admin API): such a
   * client is not managed through the client configuration endpoint at all.
   */
  registrationTokenDigest(clientId: string): string | undefined;
  /** Whether `secret` is the client's (scrypt, through the process's gate). */
  secretMatches(client: ClientConfig, secret: string): Promise<boolean>;
  /** Registers a new client. Rejects with ClientMetadataRejected when the document is invalid. */
  create(document: ClientDocument, registrationTokenDigest: string): Promise<RegisteredClient>;
  /**
   * Replaces a client's registration, and its registration access token, in one change that
   * spends the token presented (`presentedTokenDigest`): a second change with that token, on
   * any replica, rejects with RegisteredClientGone.
   */
  replace(
    clientId: string,
    document: ClientDocument,
    registrationTokenDigest: string,
    presentedTokenDigest: string,
  ): Promise<RegisteredClient>;
  /** Removes the client, spending the token presented; the registry revokes its tokens. */
  remove(clientId: string, presentedTokenDigest: string): Promise<void>;
}

export const CLIENT_REGISTRATIONS = Symbol('ClientRegistrations');

/** The registry refused a document: the JSON path of the field, and why (never its value). */
export class ClientMetadataRejected extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'ClientMetadataRejected';
  }
}

/** The client is gone, or its token was spent (deleted or changed meanwhile by another call). */
export class RegisteredClientGone extends Error {
  constructor() {
    super('the client no longer exists');
    this.name = 'RegisteredClientGone';
  }
}
