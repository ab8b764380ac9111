import { FormParams, InvalidRequest } from '@app/oauth';

/**
 * Longest accepted value of each authorization request parameter: every value is bounded, so
 * nothing a browser sends can make a stored request, a challenge or a redirect grow without
 * limit. Generous for real clients (a 2 KB redirect URI, a 1 KB state).
 */
export const PARAMETER_LIMITS = {
  client_id: 255,
  redirect_uri: 2048,
  response_type: 64,
  response_mode: 32,
  scope: 1024,
  state: 1024,
  nonce: 512,
  code_challenge: 128,
  code_challenge_method: 16,
  dpop_jkt: 64,
  prompt: 64,
  max_age: 10,
  login_hint: 256,
  ui_locales: 256,
  acr_values: 512,
  resource: 2048,
  request_uri: 128,
  login_challenge: 64,
  login_verifier: 64,
  consent_challenge: 64,
  consent_verifier: 64,
  id_token_hint: 8192,
  post_logout_redirect_uri: 2048,
} as const;

export type BoundedParameter = keyof typeof PARAMETER_LIMITS;

/** The parameter's value (absent when omitted or empty, RFC 6749 §3.1), refused when too long. */
export function bounded(params: FormParams, name: BoundedParameter): string | undefined {
  const value = params.get(name);
  if (value !== undefined && value.length > PARAMETER_LIMITS[name])
    throw new InvalidRequest(`the ${name} parameter is too long`);
  return value;
}

/** A space-delimited list (OIDC Core §3.1.2.1 `prompt`, `ui_locales`, `acr_values`). */
export function spaceList(params: FormParams, name: BoundedParameter): string[] {
  const value = bounded(params, name);
  if (value === undefined) return [];
  const items = value.split(' ');
  if (items.some((i) => i === ''))
    throw new InvalidRequest(`the ${name} parameter must be single-space delimited`);
  return [...new Set(items)];
}
