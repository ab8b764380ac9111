import { randomBytes } from 'node:crypto';
import { s256Challenge } from '@app/oauth';

/** One answer, as a browser sees it before following anything. */
export interface BrowserResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly location?: string;
  readonly text: string;
  /** The `Set-Cookie` lines of this answer. */
  readonly setCookies: string[];
}

/**
 * A browser reduced to what the front channel relies on: a cookie jar for one origin (host-only
 * cookies, `Max-Age=0` removes) and requests that never follow redirects, so a test sees every
 * hop. Two instances are two browsers.
 */
export class TestBrowser {
  readonly jar = new Map<string, string>();

  async get(url: string): Promise<BrowserResponse> {
    return this.send(url, { method: 'GET' });
  }

  async post(url: string, form: Readonly<Record<string, string>>): Promise<BrowserResponse> {
    return this.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  private async send(url: string, init: RequestInit): Promise<BrowserResponse> {
    const cookie = [...this.jar].map(([n, v]) => `${n}=${v}`).join('; ');
    const headers = { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) };
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) this.store(line);
    return {
      status: res.status,
      headers: res.headers,
      location: res.headers.get('location') ?? undefined,
      text: await res.text(),
      setCookies,
    };
  }

  private store(line: string): void {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    if (/;\s*max-age=0(\s*;|$)/i.test(line)) this.jar.delete(name);
    else this.jar.set(name, pair!.slice(eq + 1).trim());
  }
}

/** RFC 7636 §4.1–4.2: a verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier) };
}

/** The query parameters of a redirect's Location. */
export function queryOf(location: string | undefined): Record<string, string> {
  if (location === undefined) throw new Error('no Location header');
  return Object.fromEntries(new URL(location).searchParams);
}
