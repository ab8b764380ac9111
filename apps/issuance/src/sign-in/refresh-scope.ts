import { FormParams, InvalidScope } from '@app/oauth';

/**
 * RFC 6749 §6: the scopes a refresh asks for. Absent, every scope of the grant; present, it
 * may narrow them but never add one the grant lacks (`invalid_scope`).
 */
export function refreshScopes(granted: readonly string[], form: FormParams): string[] {
  const requested = form.get('scope');
  if (requested === undefined) return [...granted];
  const scopes = requested.split(' ');
  if (scopes.some((s) => s === '')) throw new InvalidScope('scope must be single-space delimited');
  // RFC 6749 §5.2: the description never repeats the requested value.
  if (scopes.some((s) => !granted.includes(s)))
    throw new InvalidScope('a requested scope was not granted (a refresh may only narrow)');
  return [...new Set(scopes)];
}
