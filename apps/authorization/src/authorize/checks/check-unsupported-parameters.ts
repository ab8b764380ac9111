import { FormParams, RequestNotSupported } from '@app/oauth';

/**
 * OIDC Core §6: request objects are not supported, and a server that does not support them
 * answers `request_not_supported` rather than ignoring parameters the client meant to be signed.
 */
export function checkUnsupportedParameters(params: FormParams): void {
  if (params.has('request'))
    throw new RequestNotSupported('request objects are not supported; use PAR instead');
}
