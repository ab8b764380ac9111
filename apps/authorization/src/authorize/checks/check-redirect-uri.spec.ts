import { checkRedirectUri, redirectUriMatches } from './check-redirect-uri';
import { paramsOf, signInClient } from './checks.fixtures';

describe('checkRedirectUri', () => {
  const client = signInClient();
  const sut = (uri?: string) =>
    checkRedirectUri(client, paramsOf(uri === undefined ? {} : { redirect_uri: uri }));

  it('returns a registered URI exactly as sent', () => {
    expect(sut('https://rp.example/cb')).toBe('https://rp.example/cb');
  });

  it.each([
    ['missing', undefined],
    ['another host', 'https://evil.example/cb'],
    ['a longer path', 'https://rp.example/cb/x'],
    ['a prefix', 'https://rp.example/c'],
    ['an added query', 'https://rp.example/cb?x=1'],
    ['a fragment', 'https://rp.example/cb#x'],
    ['userinfo', 'https://rp.example@evil.example/cb'],
    ['a port', 'https://rp.example:8443/cb'],
    ['a case change', 'https://RP.example/cb'],
    ['a dot segment', 'https://rp.example/x/../cb'],
    ['an encoded slash', 'https://rp.example%2Fcb'],
  ])('refuses %s', (_case, uri) => {
    expect(() => sut(uri)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });
});

describe('redirectUriMatches: the loopback rule (RFC 8252 §7.3)', () => {
  const sut = redirectUriMatches;

  it.each([
    ['http://127.0.0.1/cb', 'http://127.0.0.1:49152/cb'],
    ['http://127.0.0.1:8080/cb', 'http://127.0.0.1:9/cb'],
    ['http://[::1]/cb', 'http://[::1]:65535/cb'],
    ['http://127.0.0.1/cb?a=1', 'http://127.0.0.1:5000/cb?a=1'],
  ])('lets the port of %s vary: %s', (registered, requested) => {
    expect(sut(registered, requested)).toBe(true);
  });

  it.each([
    ['http://127.0.0.1/cb', 'http://127.0.0.1:0/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:65536/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.2:5000/cb'],
    ['http://127.0.0.1/cb', 'http://[::1]:5000/cb'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:5000/cb/'],
    ['http://127.0.0.1/cb', 'http://127.0.0.1:5000@evil.example/cb'],
    ['http://127.0.0.1/cb', 'https://127.0.0.1:5000/cb'],
    ['http://127.0.0.1/cb', 'http://localhost:5000/cb'],
    ['https://rp.example/cb', 'https://rp.example:444/cb'],
  ])('keeps everything else of %s exact: %s', (registered, requested) => {
    expect(sut(registered, requested)).toBe(false);
  });
});
