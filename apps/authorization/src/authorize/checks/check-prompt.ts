import { FormParams, InvalidRequest } from '@app/oauth';
import { spaceList } from './parameter';

const PROMPTS: readonly string[] = ['none', 'login', 'consent', 'select_account'];

/**
 * OIDC Core §3.1.2.1 `prompt`: known values only, and `none` alone ("if this parameter contains
 * none with any other value, an error is returned"). `none` and `login` are enforced here;
 * every value is passed on to the login app.
 */
export function checkPrompt(params: FormParams): string[] {
  const prompt = spaceList(params, 'prompt');
  if (prompt.some((p) => !PROMPTS.includes(p)))
    throw new InvalidRequest('prompt may hold none, login, consent and select_account only');
  if (prompt.includes('none') && prompt.length > 1)
    throw new InvalidRequest('prompt=none cannot be combined with another prompt value');
  return prompt;
}
