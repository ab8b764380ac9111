import { ClientConfig } from '@app/config';
import { FormParams } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { PendingAuthorizationRequest } from '@app/store';
import { checkClientMayUseCode } from './checks/check-client-may-use-code';
import { checkDpopJkt } from './checks/check-dpop-jkt';
import { checkHints } from './checks/check-hints';
import { checkMaxAge } from './checks/check-max-age';
import { checkPkce } from './checks/check-pkce';
import { checkPrompt } from './checks/check-prompt';
import { checkResource } from './checks/check-resource';
import { checkResponseMode } from './checks/check-response-mode';
import { checkResponseType } from './checks/check-response-type';
import { checkScope } from './checks/check-scope';
import { checkStateAndNonce } from './checks/check-state-and-nonce';
import { checkUnsupportedParameters } from './checks/check-unsupported-parameters';

/**
 * The checks of an authorization request once its client and redirect URI are known good (RFC
 * 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2, OIDC Core §3.1.2.1, RFC 9449 §10), in node-oidc-provider's order:
 * each either passes or throws the one RFC error it is about. Shared by `/oauth2/authorize`
 * (errors go to the redirect URI) and `/oauth2/par` (errors are the JSON answer).
 */
export function validateAuthorizationRequest(
  registry: ClientRegistry,
  client: ClientConfig,
  redirectUri: string,
  params: FormParams,
  now: number,
): PendingAuthorizationRequest {
  checkUnsupportedParameters(params);
  checkClientMayUseCode(client);
  checkResponseType(params);
  const responseMode = checkResponseMode(params);
  const { state, nonce } = checkStateAndNonce(params);
  const pkce = checkPkce(params);
  const dpop = checkDpopJkt(params);
  const resources = checkResource(registry, client, params);
  const scopes = checkScope(registry, client, params, resources);
  const prompt = checkPrompt(params);
  const maxAge = checkMaxAge(params);
  const hints = checkHints(params);
  return {
    clientId: client.clientId,
    redirectUri,
    responseMode,
    scopes,
    resources,
    ...(state === undefined ? {} : { state }),
    ...(nonce === undefined ? {} : { nonce }),
    ...pkce,
    prompt,
    ...(maxAge === undefined ? {} : { maxAge }),
    ...hints,
    receivedAt: now,
    ...dpop,
  };
}
