import type { FastifyReply } from 'fastify';
import type { AppConfig } from '@app/config';
import { FormParams, RequestContext } from '@app/oauth';
import { CsrfRejected } from '../login-app.errors';
import { CsrfTokens } from './csrf.tokens';

const provider = {
  clientId: 'login-app',
  loginProvider: true,
  secret: { kind: 'plain', value: 'login-app-secret-0123456789' },
};

function config(loginUrl = 'http://127.0.0.1:3000/login', clients: unknown[] = [provider]) {
  return {
    signIn: { loginUrl, loginApp: {} },
    registry: { clients },
  } as unknown as AppConfig;
}

function request(cookie?: string): RequestContext {
  const headers = cookie === undefined ? {} : { cookie };
  return new RequestContext(
    { method: 'POST', url: '/login', headers, ip: '127.0.0.1' },
    FormParams.fromQuery(''),
  );
}

function reply(): { reply: FastifyReply; cookies: string[] } {
  const cookies: string[] = [];
  const r = {
    header: (name: string, value: string) => {
      if (name === 'set-cookie') cookies.push(value);
      return r;
    },
  };
  return { reply: r as unknown as FastifyReply, cookies };
}

/** A browser's first visit: its new cookie, and the token of a form for `challenge`. */
function visit(sut: CsrfTokens, challenge = 'challenge-1') {
  const { reply: r, cookies } = reply();
  const browser = sut.browserValue(request(), r);
  const cookie = cookies[0]!.split(';')[0]!;
  return { browser, cookie, token: sut.token(browser, 'login', challenge) };
}

describe('CsrfTokens', () => {
  it('sets a random HttpOnly SameSite=Lax cookie once, and keeps the one a browser has', () => {
    const sut = new CsrfTokens(config());
    const { reply: r, cookies } = reply();
    const value = sut.browserValue(request(), r);
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookies).toEqual([`login_csrf=${value}; Path=/; HttpOnly; SameSite=Lax`]);
    const again = reply();
    expect(sut.browserValue(request(`login_csrf=${value}`), again.reply)).toBe(value);
    expect(again.cookies).toEqual([]);
    expect(sut.browserValue(request('login_csrf=short'), again.reply)).not.toBe('short');
  });

  it('uses a __Host- Secure cookie when the login page is served over https', () => {
    const sut = new CsrfTokens(config('https://id.example.com/login'));
    const { reply: r, cookies } = reply();
    sut.browserValue(request(), r);
    expect(cookies[0]).toMatch(
      /^__Host-login_csrf=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/,
    );
  });

  it('accepts the token of this browser, form and challenge only', () => {
    const sut = new CsrfTokens(config());
    const { cookie, token, browser } = visit(sut);
    expect(() => sut.check(request(cookie), 'login', 'challenge-1', token)).not.toThrow();
    const refused = [
      () => sut.check(request(cookie), 'login', 'challenge-2', token),
      () => sut.check(request(cookie), 'consent', 'challenge-1', token),
      () => sut.check(request(), 'login', 'challenge-1', token),
      () => sut.check(request(cookie), 'login', 'challenge-1', undefined),
      () => sut.check(request(visit(sut).cookie), 'login', 'challenge-1', token),
      () => sut.check(request(cookie), 'login', 'challenge-1', `${token}=`),
      () => sut.check(request(cookie), 'login', 'challenge-1', browser),
    ];
    for (const check of refused) expect(check).toThrow(CsrfRejected);
  });

  it('refuses a token whose last character differs only in bits base64url decoding drops', () => {
    const sut = new CsrfTokens(config());
    const { cookie, token } = visit(sut);
    const last = token.at(-1)!;
    // The 43rd character carries 4 bits: flipping its lowest bit changes none of the 32 bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(Buffer.from(`${token.slice(0, -1)}${twin}`, 'base64url')).toEqual(
      Buffer.from(token, 'base64url'),
    );
    expect(() =>
      sut.check(request(cookie), 'login', 'challenge-1', `${token.slice(0, -1)}${twin}`),
    ).toThrow(CsrfRejected);
  });

  it('shares its key between replicas holding the same API credentials, and with no one else', () => {
    const { cookie, token } = visit(new CsrfTokens(config()));
    const replica = new CsrfTokens(config());
    expect(() => replica.check(request(cookie), 'login', 'challenge-1', token)).not.toThrow();
    const other = { ...provider, secret: { kind: 'plain', value: 'another-secret-0123456789' } };
    for (const stranger of [
      new CsrfTokens(config(undefined, [other])),
      new CsrfTokens(config(undefined, [])),
    ])
      expect(() => stranger.check(request(cookie), 'login', 'challenge-1', token)).toThrow(
        CsrfRejected,
      );
  });
});
