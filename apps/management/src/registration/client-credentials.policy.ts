import { InvalidClientMetadata } from '@app/oauth';
import type { ClientDocument } from './client-metadata.request';

const CLIENT_CREDENTIALS = 'client_credentials';

const grantsOf = (document: ClientDocument): readonly string[] =>
  (document.grant_types as readonly string[] | undefined) ?? [];

/**
 * RFC 6749 §4.4: a client_credentials client gets tokens for its scopes by its own authority,
 * no user consenting: what an administrator vouches for by handing out an initial access token.
 * An anonymous registration (OPEN_REGISTRATION) gets access only through users' consent.
 */
export function refuseAnonymousClientCredentials(document: ClientDocument): void {
  if (grantsOf(document).includes(CLIENT_CREDENTIALS))
    throw new InvalidClientMetadata(
      'grant_types: client_credentials needs an initial access token (an open registration ' +
        "acts only with a user's consent)",
    );
}

/**
 * RFC 7592 §2.2 updates change metadata, not standing: a client that was registered without
 * client_credentials (openly, or by choice) does not gain it with its registration access token.
 */
export function refuseAddedClientCredentials(
  current: readonly string[],
  document: ClientDocument,
): void {
  if (grantsOf(document).includes(CLIENT_CREDENTIALS) && !current.includes(CLIENT_CREDENTIALS))
    throw new InvalidClientMetadata(
      'grant_types: client_credentials cannot be added by an update; register anew with an ' +
        'initial access token',
    );
}
