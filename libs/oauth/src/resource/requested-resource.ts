import { InvalidTarget } from '../errors';
import { FormParams } from '../http/form-body';

/**
 * The token request's `resource` (RFC 8707 §2), for every grant that takes it. §2 lets a client
 * name several resources for one token and leaves to the server whether it can serve them
 * together. An access token here carries exactly one audience (RFC 9068 `aud`), so several
 * different resources cannot be served: `invalid_target`. The same one repeated is one resource.
 * Undefined when the request names none; the description never repeats a value (RFC 6749 §5.2).
 */
export function requestedResource(form: FormParams): string | undefined {
  const distinct = new Set(form.getAll('resource'));
  if (distinct.size > 1)
    throw new InvalidTarget(
      'one access token serves one resource: request a token for each resource separately',
    );
  return distinct.values().next().value;
}
