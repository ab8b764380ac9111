import { FrontChannelAnswer } from '../front-channel/front-channel-answer';
import { escapeHtml, htmlPage } from '../front-channel/html';
import { LogoutRequest } from './logout-request';

/**
 * "Sign out?": the page a logout without `id_token_hint` answers while a session is live
 * (RP-Initiated Logout 1.0 §2). Its form posts the checked request back, unchanged; nothing
 * runs, so the user's click is what signs them out.
 */
export function logoutConfirmation(endSession: string, logout: LogoutRequest): FrontChannelAnswer {
  const fields: Record<string, string | undefined> = {
    client_id: logout.client?.clientId,
    post_logout_redirect_uri: logout.postLogoutRedirectUri,
    state: logout.state,
  };
  const inputs = Object.entries(fields)
    .filter((f): f is [string, string] => f[1] !== undefined)
    .map(([n, v]) => `<input type="hidden" name="${n}" value="${escapeHtml(v)}">`)
    .join('');
  const body =
    '<main><h1>Sign out?</h1>' +
    `<form method="post" action="${escapeHtml(endSession)}">${inputs}` +
    '<button type="submit">Sign out</button></form></main>';
  const csp =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; " +
    `form-action ${new URL(endSession).origin}`;
  return {
    kind: 'page',
    status: 200,
    html: htmlPage('Sign out', body),
    headers: { 'content-security-policy': csp },
  };
}
