import { parseCookieHeader } from './cookie-header';

describe('parseCookieHeader', () => {
  const sut = parseCookieHeader;

  it('reads name=value pairs separated by "; " (RFC 6265 §4.2.1)', () => {
    expect([...sut('sid=abc; __Host-csrf=x_y-z')]).toEqual([
      ['sid', 'abc'],
      ['__Host-csrf', 'x_y-z'],
    ]);
  });

  it('keeps the first of two cookies with one name: the most specific path (RFC 6265 §5.4)', () => {
    expect(sut('sid=from-longer-path; sid=from-root').get('sid')).toBe('from-longer-path');
  });

  it('keeps values as sent: "=" inside, no percent-decoding, quotes removed', () => {
    const jar = sut('a=b=c; b=%41; c="quoted"; d=');
    expect(jar.get('a')).toBe('b=c');
    expect(jar.get('b')).toBe('%41');
    expect(jar.get('c')).toBe('quoted');
    expect(jar.get('d')).toBe('');
  });

  it('skips pairs without a name or without "=", and tolerates stray spaces and separators', () => {
    expect([...sut(' ;flag; =orphan;  a = 1 ;;')]).toEqual([['a', '1']]);
  });

  it.each([undefined, ''])('has no cookies for a header %p', (header) => {
    expect(sut(header).size).toBe(0);
  });
});
