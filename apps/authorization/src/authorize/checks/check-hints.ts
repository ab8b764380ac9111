import { FormParams, InvalidRequest } from '@app/oauth';
import { bounded, spaceList } from './parameter';

/** RFC 5646 language tags: letters, digits and hyphens, at most 35 characters in practice. */
const LANGUAGE_TAG = /^[A-Za-z0-9-]{1,35}$/;
const ACR_VALUE = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
const MAX_VALUES = 10;

export interface InteractionHints {
  readonly loginHint?: string;
  readonly uiLocales: string[];
  readonly acrValues: string[];
}

/**
 * OIDC Core §3.1.2.1 `login_hint`, `ui_locales` and `acr_values`: passed on to the login app,
 * which decides what they mean; checked here only for shape and size.
 */
export function checkHints(params: FormParams): InteractionHints {
  const loginHint = bounded(params, 'login_hint');
  const uiLocales = spaceList(params, 'ui_locales');
  const acrValues = spaceList(params, 'acr_values');
  if (uiLocales.length > MAX_VALUES || uiLocales.some((l) => !LANGUAGE_TAG.test(l)))
    throw new InvalidRequest('ui_locales must be space-separated language tags');
  if (acrValues.length > MAX_VALUES || acrValues.some((a) => !ACR_VALUE.test(a)))
    throw new InvalidRequest('acr_values must be space-separated values');
  return { ...{}, ...(loginHint === undefined ? {} : { loginHint }), uiLocales, acrValues };
}
