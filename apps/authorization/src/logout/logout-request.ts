import { ClientConfig } from '@app/config';
import { FormParams, InvalidRequest } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { IdTokenHintVerifier } from '@app/tokens';
import { bounded } from '../authorize/checks/parameter';

/** An RP-Initiated Logout request, checked. */
export interface LogoutRequest {
  readonly client?: ClientConfig;
  /** Only when registered for the client, exactly (RP-Initiated Logout 1.0 §3). */
  readonly postLogoutRedirectUri?: string;
  readonly state?: string;
  /** The session the hint's ID token was issued in, when it names one. */
  readonly sid?: string;
  /** A valid `id_token_hint` came with the request: the relying party asks, not a stray link. */
  readonly hinted: boolean;
}

/**
 * OpenID RP-Initiated Logout 1.0 §2: `id_token_hint` must be an ID token of ours (its expiry
 * may have passed); `client_id`, when also sent, must be its audience; a
 * `post_logout_redirect_uri` is honoured only when the client (from the hint or `client_id`)
 * registered exactly that string (§3), so logout can never be turned into an open redirect.
 */
export async function checkLogoutRequest(
  registry: ClientRegistry,
  hints: IdTokenHintVerifier,
  params: FormParams,
): Promise<LogoutRequest> {
  const rawHint = bounded(params, 'id_token_hint');
  const hint = rawHint === undefined ? undefined : await hints.verify(rawHint);
  if (hint === null)
    throw new InvalidRequest('the id_token_hint is not an ID token of this server');
  const named = bounded(params, 'client_id');
  if (hint && named !== undefined && named !== hint.clientId)
    throw new InvalidRequest('the client_id is not the audience of the id_token_hint');
  const clientId = hint?.clientId ?? named;
  const client = clientId === undefined ? undefined : registry.client(clientId);
  if (clientId !== undefined && client === undefined)
    throw new InvalidRequest('the client is unknown');
  const redirect = bounded(params, 'post_logout_redirect_uri');
  if (redirect !== undefined && !client?.postLogoutRedirectUris.includes(redirect))
    throw new InvalidRequest('the post_logout_redirect_uri is not registered for this client');
  const state = bounded(params, 'state');
  return {
    ...{},
    ...(client === undefined ? {} : { client }),
    ...(redirect === undefined ? {} : { postLogoutRedirectUri: redirect }),
    ...(state === undefined ? {} : { state }),
    ...(hint?.sid === undefined ? {} : { sid: hint.sid }),
    hinted: hint !== undefined,
  };
}
