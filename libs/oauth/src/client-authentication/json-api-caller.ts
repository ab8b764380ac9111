import type { FastifyRequest } from 'fastify';
import type { ClientConfig } from '@app/config';
import { ForbiddenClient, InvalidClient } from '../errors';
import { FormParams } from '../http/form-body';
import { RequestContext } from '../http/request-context';
import { ClientAuthenticator } from './client.authenticator';
import { ClientAuthEndpoint } from './endpoint-auth-methods';

/** A JSON API's bodies (or a GET's none) are no form: no parameter can carry credentials. */
const NO_FORM = FormParams.fromQuery('');

/**
 * Authenticates the caller of a JSON API (the login/consent API, the admin API) through the
 * ClientAuthenticator every endpoint shares, with its throttle of failures. Only header-borne
 * credentials can arrive, so `endpoint.methods` is HTTP Basic. RFC 9110 §11.6.1: a 401's
 * challenge names the scheme the API takes, Basic alone, whatever the caller tried.
 */
export async function authenticateJsonApiCaller(
  authenticator: ClientAuthenticator,
  http: FastifyRequest,
  endpoint: ClientAuthEndpoint,
): Promise<ClientConfig> {
  try {
    return await authenticator.authenticate(new RequestContext(http, NO_FORM), endpoint);
  } catch (e) {
    if (e instanceof InvalidClient) throw new InvalidClient(e.description, true);
    throw e;
  }
}

/**
 * What a JSON API's guard checks: the caller authenticates (401 `invalid_client` otherwise) and
 * is a client the configuration marks for this API (403 `unauthorized_client` otherwise).
 */
export async function requireJsonApiCaller(
  authenticator: ClientAuthenticator,
  http: FastifyRequest,
  endpoint: ClientAuthEndpoint,
  api: { readonly name: string; readonly allows: (client: ClientConfig) => boolean },
): Promise<void> {
  const client = await authenticateJsonApiCaller(authenticator, http, endpoint);
  if (!api.allows(client)) throw new ForbiddenClient(`this client may not use the ${api.name}`);
}
