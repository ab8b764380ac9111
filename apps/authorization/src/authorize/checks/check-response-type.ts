import { FormParams, InvalidRequest, UnsupportedResponseType } from '@app/oauth';
import { bounded } from './parameter';

/**
 * RFC 9700 §2.1.2: the implicit grant (and the hybrid flows that put tokens in the front
 * channel) must not be used; only `code` is answered, anything else `unsupported_response_type`.
 */
export function checkResponseType(params: FormParams): 'code' {
  const responseType = bounded(params, 'response_type');
  if (responseType === undefined)
    throw new InvalidRequest('the response_type parameter is required');
  if (responseType !== 'code')
    throw new UnsupportedResponseType('only the response_type code is supported');
  return responseType;
}
