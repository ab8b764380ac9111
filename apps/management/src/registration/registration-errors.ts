import { InvalidClientMetadata, InvalidRedirectUri, OAuthError } from '@app/oauth';
import { ClientMetadataRejected } from './client-registrations.port';

/** The registry's path of a client document's field, without the document's own prefix. */
const DOCUMENT_PREFIX = /^(\$\.?|clients\[\d+\]\.?|client\.?)/;
const REDIRECT_FIELDS = /^(redirect_uris|post_logout_redirect_uris)\b/;

/**
 * RFC 7591 §3.2.2: a refused redirect URI is `invalid_redirect_uri`, any other refused value
 * `invalid_client_metadata`; the description names the field and the rule the registry applied
 * (its messages never quote a secret).
 */
export function metadataError(e: ClientMetadataRejected): OAuthError {
  const field = e.path.replace(DOCUMENT_PREFIX, '') || 'the client metadata';
  const description = `${field}: ${e.reason}`;
  return REDIRECT_FIELDS.test(field)
    ? new InvalidRedirectUri(description)
    : new InvalidClientMetadata(description);
}
