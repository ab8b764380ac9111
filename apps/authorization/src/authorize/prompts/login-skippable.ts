import { BrowserSession, PendingAuthorizationRequest } from '@app/store';

/**
 * Whether a login may be skipped, one reason per line (node-oidc-provider's
 * `interaction_policy/prompts/login/`): a live browser session, no `prompt=login` (OIDC Core
 * §3.1.2.1: re-authenticate), and, with `max_age`, an authentication recent enough. The login
 * app is told; it decides whether to ask again anyway.
 */
export function loginSkippable(
  session: BrowserSession | null,
  request: PendingAuthorizationRequest,
  nowSeconds: number,
): session is BrowserSession {
  if (session === null) return false;
  if (request.prompt.includes('login')) return false;
  if (request.maxAge !== undefined && nowSeconds - session.authTime > request.maxAge) return false;
  return true;
}
