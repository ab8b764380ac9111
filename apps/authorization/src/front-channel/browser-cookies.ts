import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { tokenDigest } from '@app/tokens';
import { SetCookie } from './front-channel-answer';

/** How many characters of the request id name its flow cookie (the brief's contract). */
const FLOW_NAME_CHARS = 8;
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The authorization service's cookies: the browser session and one binding cookie per flow.
 * Values are 256 random bits; only their SHA-256 digests are kept in the store. On an https
 * issuer they carry `Secure` and the `__Host-` prefix (RFC 6265bis §4.1.3.2: host-only, Path=/,
 * cannot be planted by a sibling domain); always `HttpOnly` and `SameSite=Lax`, which lets the
 * top-level redirects of the flow carry them and keeps them off cross-site POSTs.
 */
@Injectable()
export class BrowserCookies {
  private readonly secure: boolean;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.secure = new URL(config.issuer).protocol === 'https:';
    this.prefix = this.secure ? '__Host-' : '';
  }

  get sessionName(): string {
    return `${this.prefix}session`;
  }

  flowName(requestId: string): string {
    return `${this.prefix}flow_${requestId.slice(0, FLOW_NAME_CHARS)}`;
  }

  /** A fresh cookie value and the digest the store keeps of it. */
  mint(): { value: string; digest: string } {
    const value = randomBytes(32).toString('base64url');
    return { value, digest: tokenDigest(value) };
  }

  /** The digest of a cookie the browser sent, when it has our shape. */
  digestOf(cookies: ReadonlyMap<string, string>, name: string): string | undefined {
    const value = cookies.get(name);
    return value !== undefined && COOKIE_VALUE.test(value) ? tokenDigest(value) : undefined;
  }

  /** Whether the browser holds the flow cookie whose digest the challenge keeps (constant time). */
  holdsBinding(cookies: ReadonlyMap<string, string>, requestId: string, binding: string): boolean {
    const digest = this.digestOf(cookies, this.flowName(requestId));
    if (digest === undefined) return false;
    const a = Buffer.from(digest);
    const b = Buffer.from(binding);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  cleared(name: string): SetCookie {
    return { name, value: '', maxAge: 0 };
  }

  serialize = (cookie: SetCookie): string =>
    [
      `${cookie.name}=${cookie.value}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Lax',
      ...(this.secure ? ['Secure'] : []),
      ...(cookie.maxAge === undefined ? [] : [`Max-Age=${cookie.maxAge}`]),
    ].join('; ');
}
