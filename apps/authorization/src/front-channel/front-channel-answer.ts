import type { FastifyReply } from 'fastify';

/** A cookie to set (or clear, with `maxAge: 0`) in the browser; see browser-cookies.ts. */
export interface SetCookie {
  readonly name: string;
  readonly value: string;
  /** Seconds; absent: a session cookie, gone when the browser closes. */
  readonly maxAge?: number;
}

/**
 * What the front channel answers a browser: a redirect (to the login app, to the client) or an
 * HTML page (error page, form_post, signed out), with the cookies to set.
 */
export type FrontChannelAnswer =
  | {
      readonly kind: 'redirect';
      readonly location: string;
      readonly cookies?: readonly SetCookie[];
    }
  | {
      readonly kind: 'page';
      readonly status: number;
      readonly html: string;
      /** Extra headers, e.g. a form_post's CSP with its script nonce. */
      readonly headers?: Readonly<Record<string, string>>;
      readonly cookies?: readonly SetCookie[];
    };

/** Where cookies get their attributes: `Secure` and `__Host-` only on an https issuer. */
export type CookieSerializer = (cookie: SetCookie) => string;

/**
 * Sends an answer. Every front-channel answer may carry a code, a challenge or a session
 * cookie, so none is cached (RFC 6749 §5.1 in spirit, RFC 9700 §4.2.4), and none sends a
 * Referer onwards: the login app and the client never learn our URLs' parameters that way.
 */
export function sendFrontChannel(
  reply: FastifyReply,
  answer: FrontChannelAnswer,
  serialize: CookieSerializer,
): void {
  reply
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff');
  if (answer.cookies?.length) reply.header('set-cookie', answer.cookies.map(serialize));
  if (answer.kind === 'redirect') {
    // RFC 9110 §15.4.4: 303 makes the browser follow with a GET, whether it sent a GET or a POST.
    reply.code(303).header('location', answer.location).send();
    return;
  }
  reply
    .code(answer.status)
    .header('content-type', 'text/html; charset=utf-8')
    .header(
      'content-security-policy',
      answer.headers?.['content-security-policy'] ??
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    .header('x-frame-options', 'DENY')
    .send(answer.html);
}
