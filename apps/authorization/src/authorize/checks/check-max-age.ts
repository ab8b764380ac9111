import { FormParams, InvalidRequest } from '@app/oauth';
import { bounded } from './parameter';

const SECONDS = /^\d{1,10}$/;

/**
 * OIDC Core §3.1.2.1 `max_age`: whole seconds since the user last authenticated actively; past
 * it, login cannot be skipped. `0` means "authenticate now", like `prompt=login`.
 */
export function checkMaxAge(params: FormParams): number | undefined {
  const value = bounded(params, 'max_age');
  if (value === undefined) return undefined;
  if (!SECONDS.test(value))
    throw new InvalidRequest('max_age must be a non-negative whole number of seconds');
  return Number(value);
}
