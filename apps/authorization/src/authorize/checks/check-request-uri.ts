import { FormParams, InvalidRequest, InvalidRequestUri } from '@app/oauth';
import { AuthorizationRequestStore, PendingAuthorizationRequest } from '@app/store';
import { bounded } from './parameter';

/** RFC 9126 §2.2: the `request_uri` PAR hands out; its random part is 256 bits, base64url. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
const REQUEST_URI = /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/;

/**
 * RFC 9126 §4: a `request_uri` from PAR is taken once (atomically: of two browsers presenting it
 * only one gets it), and only by the client that pushed it (`client_id` must match). Its pushed
 * parameters are the whole request: anything else in the URL is ignored. Undefined when the
 * request names no `request_uri`.
 */
export async function checkRequestUri(
  store: AuthorizationRequestStore,
  params: FormParams,
  clientId: string,
): Promise<PendingAuthorizationRequest | undefined> {
  const requestUri = bounded(params, 'request_uri');
  if (requestUri === undefined) return undefined;
  if (!REQUEST_URI.test(requestUri))
    throw new InvalidRequestUri('the request_uri was not issued by this server');
  const pushed = await store.take('pushed', requestUri);
  if (pushed === null)
    throw new InvalidRequestUri('the request_uri is unknown, expired or already used');
  if (pushed.clientId !== clientId)
    throw new InvalidRequest('the request_uri was pushed by another client');
  return pushed;
}
