import { FrontChannelAnswer, SetCookie } from './front-channel-answer';
import { escapeHtml, htmlPage } from './html';

/**
 * The page a user sees when the request cannot be answered at the client's redirect URI: the
 * client is unknown or the redirect URI is not one it registered (RFC 6749 §4.1.2.1, RFC 9700
 * §4.11: never redirect there), or the flow's challenge is unusable. Only our own error code and
 * description are shown, escaped: nothing of the request is reflected.
 */
export function errorPage(
  error: string,
  description: string,
  status = 400,
  cookies?: readonly SetCookie[],
): FrontChannelAnswer {
  const body =
    '<main><h1>Sign-in cannot continue</h1>' +
    `<p>${escapeHtml(description)}</p>` +
    `<p><small>Error: <code>${escapeHtml(error)}</code></small></p></main>`;
  return { kind: 'page', status, html: htmlPage('Sign-in error', body), cookies };
}
