import { FormParams, InvalidRequest } from '@app/oauth';
import { bounded } from './parameter';

export type ResponseMode = 'query' | 'form_post';
const MODES: readonly string[] = ['query', 'form_post'];

/**
 * OAuth 2.0 Multiple Response Types §2.1 and Form Post Response Mode: `query` (the default for
 * `code`) or `form_post`. `fragment` is refused: a code has no business in a URL fragment.
 */
export function checkResponseMode(params: FormParams): ResponseMode {
  const mode = bounded(params, 'response_mode');
  if (mode === undefined) return 'query';
  if (!MODES.includes(mode))
    throw new InvalidRequest('the response_mode must be query or form_post');
  return mode as ResponseMode;
}

/** The mode an error goes back with: the requested one when valid, else `query`. */
export function errorResponseMode(params: FormParams): ResponseMode {
  try {
    return checkResponseMode(params);
  } catch {
    return 'query';
  }
}
