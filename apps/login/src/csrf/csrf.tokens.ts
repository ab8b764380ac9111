import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RequestContext } from '@app/oauth';
import { CsrfRejected } from '../login-app.errors';
import { loginApiCredentials } from '../platform/login-api.credentials';

export type FormPurpose = 'login' | 'consent';

/** 256 random bits, base64url. */
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;
/** An HMAC-SHA-256, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * CSRF protection of the login and consent forms (RFC 9700 §4.4.1.8 names CSRF on the login form
 * among the threats): a random per-browser cookie, and in each form a token that is the HMAC of
 * that cookie's value, the form and its challenge under a server key, checked in constant time.
 * Another site can make a browser post the form but can read neither the cookie nor the token;
 * a token taken from one challenge's page is worth nothing for another challenge.
 *
 * The key must be the same on every replica: it is derived (HKDF) from the secret the login app
 * holds for the login/consent API, which they all share, or is random per process when there is
 * none (the standalone server, one process, calls the API in-process).
 */
@Injectable()
export class CsrfTokens {
  private readonly key: Buffer;
  readonly cookieName: string;
  private readonly secure: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const credentials = loginApiCredentials(config);
    this.key = credentials
      ? Buffer.from(
          hkdfSync('sha256', credentials.secret, credentials.clientId, 'login-app csrf', 32),
        )
      : randomBytes(32);
    // RFC 6265bis §4.1.3.2: a `__Host-` cookie is Secure, host-only and for Path=/, so no
    // sibling subdomain can plant one (the attack double-submit cookies are open to).
    this.secure = new URL(config.signIn.loginUrl).protocol === 'https:';
    this.cookieName = this.secure ? '__Host-login_csrf' : 'login_csrf';
  }

  /** The browser's cookie value, set first when it has none (or a malformed one). */
  browserValue(req: RequestContext, reply: FastifyReply): string {
    const existing = req.cookies.get(this.cookieName);
    if (existing !== undefined && COOKIE_VALUE.test(existing)) return existing;
    const value = randomBytes(32).toString('base64url');
    // SameSite=Lax: the login page is reached by a cross-site redirect chain that starts at the
    // client; Strict would hide the cookie there and mint a second one (breaking other tabs).
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(this.secure ? ['Secure'] : [])];
    reply.header('set-cookie', `${this.cookieName}=${value}; ${attributes.join('; ')}`);
    return value;
  }

  token(browserValue: string, purpose: FormPurpose, challenge: string): string {
    return this.mac(browserValue, purpose, challenge);
  }

  /** Throws CsrfRejected unless `token` is the one of this browser, form and challenge. */
  check(req: RequestContext, purpose: FormPurpose, challenge: string, token?: string): void {
    const cookie = req.cookies.get(this.cookieName);
    if (cookie === undefined || !COOKIE_VALUE.test(cookie) || !TOKEN.test(token ?? ''))
      throw new CsrfRejected();
    const expected = this.mac(cookie, purpose, challenge);
    // Compared as text: decoding would let the unused low bits of the last character vary.
    if (!timingSafeEqual(Buffer.from(token!), Buffer.from(expected))) throw new CsrfRejected();
  }

  private mac(browserValue: string, purpose: FormPurpose, challenge: string): string {
    // The cookie value is base64url and the purpose a fixed word: '.' cannot be part of either,
    // so no two inputs run together into the same message.
    return createHmac('sha256', this.key)
      .update(`${purpose}.${browserValue}.${challenge}`)
      .digest('base64url');
  }
}
