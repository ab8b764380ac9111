import type { FastifyReply } from 'fastify';
import { STYLE_SOURCE } from './pages.template';

/**
 * Headers of every answer of the login app, pages and redirects alike. The pages carry
 * challenges, CSRF tokens and a password field: never cached (`no-store`), never framed
 * (clickjacking: `frame-ancestors 'none'` and the older X-Frame-Options), and a redirect_to
 * holding a verifier never leaks through Referer. No script runs: `default-src 'none'`, and the
 * one inline stylesheet is allowed by its hash.
 *
 * `formAction`: where this page's forms may submit, redirects included (CSP3 §6.3.1.1; Chromium
 * checks every hop of the redirect chain that follows a submission; see FormActionSources).
 * Empty: `'none'`; undefined: no `form-action` directive (`default-src` does not cover it).
 */
export function securityHeaders(formAction: readonly string[] | undefined): Record<string, string> {
  const directives = ["default-src 'none'", `style-src ${STYLE_SOURCE}`];
  if (formAction !== undefined)
    directives.push(`form-action ${formAction.length === 0 ? "'none'" : formAction.join(' ')}`);
  directives.push("frame-ancestors 'none'", "base-uri 'none'");
  const csp = directives.join('; ');
  return {
    'content-security-policy': csp,
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    pragma: 'no-cache',
  };
}

/** Sends an HTML page with the security headers. */
export function sendPage(
  reply: FastifyReply,
  status: number,
  html: string,
  formAction: readonly string[] | undefined = [],
  headers: Readonly<Record<string, string>> = {},
): void {
  reply
    .status(status)
    .headers({ ...{}, ...securityHeaders(formAction), ...headers })
    .type('text/html; charset=utf-8')
    .send(html);
}

/** RFC 9110 §15.4.4: 303 See Other, so that a browser follows a POST with a GET. */
export function sendRedirect(reply: FastifyReply, location: string): void {
  reply.status(303).headers(securityHeaders([])).header('location', location).send();
}
