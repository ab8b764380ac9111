import { createHash } from 'node:crypto';
import { escapeHtml } from '@app/oauth';

/**
 * Every page of the login app, as small functions over escaped text. Nothing reaches the markup
 * without `escapeHtml`, and every value goes between tags or inside a double-quoted attribute,
 * the two contexts it makes safe. THE FORM CONTRACT IS STABLE (README "The reference login app"):
 * scripted clients and tests find `username`, `password` and `decision` by these names.
 */

export { escapeHtml };

/** The one stylesheet, inline: allowed by its hash in the Content-Security-Policy. */
const STYLESHEET = [
  'body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}',
  'main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:.5rem;',
  'box-shadow:0 1px 4px rgba(0,0,0,.12)}',
  'h1{font-size:1.4rem;margin-top:0}label{display:block;margin:.8rem 0}',
  'input[type=text],input[type=password],input:not([type]){display:block;width:100%;',
  'box-sizing:border-box;padding:.5rem;margin-top:.3rem}',
  'button{padding:.5rem 1rem;margin:.8rem .5rem 0 0}',
  '.alert{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:.3rem}',
  'code{word-break:break-all}',
].join('');

/** CSP Level 2 hash source of the stylesheet: no nonce, nothing else inline may apply. */
export const STYLE_SOURCE = `'sha256-${createHash('sha256').update(STYLESHEET).digest('base64')}'`;

function layout(title: string, body: string): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>${STYLESHEET}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`
  );
}

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;

const alert = (message?: string) =>
  message === undefined ? '' : `<p class="alert" role="alert">${escapeHtml(message)}</p>`;

export interface LoginPageModel {
  readonly challenge: string;
  readonly csrfToken: string;
  readonly clientId: string;
  /** Prefilled: the username just tried, or the request's `login_hint`. */
  readonly username?: string;
  readonly message?: string;
}

/** `<form method="post">` with `username`, `password` (type password), `remember`, `action`. */
export function loginPage(m: LoginPageModel): string {
  return layout(
    'Sign in',
    `<p>to continue to <strong>${escapeHtml(m.clientId)}</strong></p>${alert(m.message)}` +
      '<form method="post">' +
      hidden('login_challenge', m.challenge) +
      hidden('csrf_token', m.csrfToken) +
      '<label>Username<input name="username" autocomplete="username" autocapitalize="none" ' +
      `spellcheck="false" maxlength="256" value="${escapeHtml(m.username ?? '')}"></label>` +
      '<label>Password<input name="password" type="password" ' +
      'autocomplete="current-password" maxlength="1024"></label>' +
      '<label><input type="checkbox" name="remember" value="1"> Remember me</label>' +
      // The first submit button is the one Enter presses.
      '<button type="submit" name="action" value="login">Sign in</button>' +
      '<button type="submit" name="action" value="cancel">Cancel</button>' +
      '</form>',
  );
}

/** OIDC Core §5.4 scopes, told in words; any other scope is shown as its name. */
const SCOPE_WORDS: Readonly<Record<string, string>> = {
  openid: 'Sign you in with your account',
  profile: 'See your name and profile',
  email: 'See your e-mail address',
  address: 'See your postal address',
  phone: 'See your phone number',
  offline_access: 'Keep access while you are not using it',
};

export interface ConsentPageModel {
  readonly challenge: string;
  readonly csrfToken: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
}

/** `<form method="post">` with `<button name="decision">` `allow` and `deny`. */
export function consentPage(m: ConsentPageModel): string {
  const scopes = m.scopes
    .map((s) => `<li>${escapeHtml(SCOPE_WORDS[s] ?? s)} <code>${escapeHtml(s)}</code></li>`)
    .join('');
  const resources = m.resources.map((r) => `<li><code>${escapeHtml(r)}</code></li>`).join('');
  return layout(
    'Allow access?',
    `<p><strong>${escapeHtml(m.clientId)}</strong> asks to:</p><ul>${scopes}</ul>` +
      (resources === '' ? '' : `<p>on these APIs:</p><ul>${resources}</ul>`) +
      '<form method="post">' +
      hidden('consent_challenge', m.challenge) +
      hidden('csrf_token', m.csrfToken) +
      '<button type="submit" name="decision" value="allow">Allow</button>' +
      '<button type="submit" name="decision" value="deny">Deny</button>' +
      '</form>',
  );
}

/** Errors and notices: a title and a sentence, never a stack or a request value. */
export function messagePage(title: string, text: string): string {
  return layout(title, `<p>${escapeHtml(text)}</p>`);
}
