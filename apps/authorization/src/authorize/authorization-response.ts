import { randomBytes } from 'node:crypto';
import { OAuthError, safeErrorDescription } from '@app/oauth';
import { FrontChannelAnswer, SetCookie } from '../front-channel/front-channel-answer';
import { escapeHtml, htmlPage } from '../front-channel/html';
import { ResponseMode } from './checks/check-response-mode';

/** Where and how an authorization response goes: known only once the redirect URI is trusted. */
export interface RedirectTarget {
  readonly redirectUri: string;
  readonly responseMode: ResponseMode;
  readonly state?: string;
}

/**
 * An authorization response (RFC 6749 §4.1.2) or error response (§4.1.2.1) to the client's
 * redirect URI, with `state` echoed and `iss` always (RFC 9207 §2: the client checks it, which
 * defeats mix-up attacks, RFC 9700 §4.4). `query`: appended to the redirect URI's own query
 * (RFC 6749 §3.1.2: kept as registered). `form_post`: an auto-submitting form (OAuth 2.0 Form
 * Post Response Mode §2), so the parameters stay out of URLs, logs and Referer headers.
 */
export function authorizationResponse(
  target: RedirectTarget,
  issuer: string,
  fields: Readonly<Record<string, string>>,
  cookies?: readonly SetCookie[],
): FrontChannelAnswer {
  const all: Record<string, string> = { ...fields };
  if (target.state !== undefined) all.state = target.state;
  all.iss = issuer;
  if (target.responseMode === 'form_post') return formPost(target.redirectUri, all, cookies);
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(all)) url.searchParams.append(name, value);
  return { kind: 'redirect', location: url.href, cookies };
}

/** An RFC error at the redirect URI; its description passes the RFC 6749 §5.2 check. */
export function authorizationError(
  target: RedirectTarget,
  issuer: string,
  e: Pick<OAuthError, 'error' | 'description'>,
  cookies?: readonly SetCookie[],
): FrontChannelAnswer {
  const description = safeErrorDescription(e.error, e.description);
  return authorizationResponse(
    target,
    issuer,
    { error: e.error, error_description: description },
    cookies,
  );
}

function formPost(
  action: string,
  fields: Readonly<Record<string, string>>,
  cookies?: readonly SetCookie[],
): FrontChannelAnswer {
  const nonce = randomBytes(16).toString('base64url');
  const inputs = Object.entries(fields)
    .map(([n, v]) => `<input type="hidden" name="${escapeHtml(n)}" value="${escapeHtml(v)}">`)
    .join('');
  const body =
    `<form method="post" action="${escapeHtml(action)}">${inputs}` +
    '<noscript><button type="submit">Continue</button></noscript></form>' +
    `<script nonce="${nonce}">document.forms[0].submit()</script>`;
  const csp =
    `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${formAction(action)}; ` +
    "frame-ancestors 'none'; base-uri 'none'";
  return {
    kind: 'page',
    status: 200,
    html: htmlPage('Submitting…', body),
    headers: { 'content-security-policy': csp },
    cookies,
  };
}

/** CSP source for the redirect URI: its origin, or its scheme for a native app's own scheme. */
function formAction(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
}
