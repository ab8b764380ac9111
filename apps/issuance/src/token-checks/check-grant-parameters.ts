import { FormParams, InvalidRequest, REPEATABLE_PARAMETERS } from '@app/oauth';
import { RegisteredGrant } from '../grants/grant.registry';

/**
 * The grant's declared parameters (RFC 6749 §3.1): a required one is there, a once-only one is
 * not repeated. Undeclared parameters are ignored, as §3.1 requires. Descriptions name the
 * parameter, a name of ours (PARAMETER_NAMES, checked at start).
 */
export function checkGrantParameters(grant: RegisteredGrant, form: FormParams): void {
  for (const name of grant.required)
    if (count(form, name) === 0) throw new InvalidRequest(`the ${name} parameter is required`);
  for (const name of grant.single)
    if (form.getAll(name).length > 1)
      throw new InvalidRequest(`the ${name} parameter must not be repeated`);
}

function count(form: FormParams, name: string): number {
  if (REPEATABLE_PARAMETERS.has(name)) return form.getAll(name).length;
  return form.has(name) ? 1 : 0;
}
