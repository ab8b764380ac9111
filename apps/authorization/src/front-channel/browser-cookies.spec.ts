import { AppConfig } from '@app/config';
import { tokenDigest } from '@app/tokens';
import { BrowserCookies } from './browser-cookies';

const onIssuer = (issuer: string) => new BrowserCookies({ issuer } as AppConfig);

describe('BrowserCookies', () => {
  it('uses __Host- and Secure on an https issuer', () => {
    const sut = onIssuer('https://id.example');
    expect(sut.sessionName).toBe('__Host-session');
    expect(sut.flowName('abcdefghijk')).toBe('__Host-flow_abcdefgh');
    expect(sut.serialize({ name: sut.sessionName, value: 'v', maxAge: 60 })).toBe(
      '__Host-session=v; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=60',
    );
  });

  it('uses plain names and no Secure on an http issuer; no Max-Age makes a session cookie', () => {
    const sut = onIssuer('http://127.0.0.1:3000');
    expect(sut.sessionName).toBe('session');
    expect(sut.serialize({ name: 'session', value: 'v' })).toBe(
      'session=v; Path=/; HttpOnly; SameSite=Lax',
    );
  });

  it('mints 256-bit values and keeps only their digest', () => {
    const sut = onIssuer('https://id.example');
    const a = sut.mint();
    expect(a.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.digest).toBe(tokenDigest(a.value));
    expect(sut.mint().value).not.toBe(a.value);
  });

  it('checks the binding cookie of a flow against its digest', () => {
    const sut = onIssuer('http://127.0.0.1');
    const { value, digest } = sut.mint();
    const requestId = 'Rq1234567890';
    const jar = new Map([[sut.flowName(requestId), value]]);
    expect(sut.holdsBinding(jar, requestId, digest)).toBe(true);
    expect(sut.holdsBinding(jar, requestId, sut.mint().digest)).toBe(false);
    expect(sut.holdsBinding(new Map(), requestId, digest)).toBe(false);
    expect(
      sut.holdsBinding(
        new Map([[sut.flowName(requestId), 'short']]),
        requestId,
        tokenDigest('short'),
      ),
    ).toBe(false);
  });
});
