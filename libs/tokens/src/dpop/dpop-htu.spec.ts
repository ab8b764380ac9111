import { comparableHtu } from './dpop-htu';

const TOKEN = 'https://auth.example.com/oauth2/token';

describe('comparableHtu (RFC 9449 §4.3 step 9, RFC 3986 §6.2)', () => {
  it.each([
    ['the same URL', TOKEN],
    ['a query', `${TOKEN}?grant_type=client_credentials`],
    ['a fragment', `${TOKEN}#top`],
    ['scheme and host in upper case', 'HTTPS://Auth.Example.COM/oauth2/token'],
    ['the default port', 'https://auth.example.com:443/oauth2/token'],
    ['a dot segment', 'https://auth.example.com/oauth2/./token'],
    ['an encoded unreserved character', 'https://auth.example.com/oauth2/%74oken'],
  ])('compares equal to the endpoint with %s', (_, htu) => {
    expect(comparableHtu(htu)).toBe(comparableHtu(TOKEN));
  });

  it('takes an empty path as / and upper-cases other percent-encodings', () => {
    expect(comparableHtu('https://api.example.com')).toBe(
      comparableHtu('https://api.example.com/'),
    );
    expect(comparableHtu('https://api.example.com/a%2fb')).toBe('https://api.example.com/a%2Fb');
  });

  it.each([
    ['another endpoint', 'https://auth.example.com/oauth2/introspect'],
    ['another host', 'https://evil.example.com/oauth2/token'],
    ['plain http', 'http://auth.example.com/oauth2/token'],
    ['another port', 'https://auth.example.com:8443/oauth2/token'],
    ['a trailing slash', `${TOKEN}/`],
    ['path case', 'https://auth.example.com/OAUTH2/token'],
  ])('tells %s apart', (_, htu) => {
    expect(comparableHtu(htu)).not.toBe(comparableHtu(TOKEN));
  });

  it.each([
    ['a relative reference', '/oauth2/token'],
    ['another scheme', 'ftp://auth.example.com/oauth2/token'],
    ['a user name', 'https://me@auth.example.com/oauth2/token'],
    ['an over-long value', `${TOKEN}?${'x'.repeat(2048)}`],
    ['text', 'not a url'],
  ])('refuses %s', (_, htu) => {
    expect(comparableHtu(htu)).toBeUndefined();
  });
});
