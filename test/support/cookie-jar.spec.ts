import { CookieJar } from './cookie-jar';

/** The driver's cookie store must behave as a browser's, or the sign-in specs prove nothing. */
describe('CookieJar', () => {
  const http = new URL('http://127.0.0.1:4000/oauth2/authorize');
  let now: number;
  let sut: CookieJar;

  beforeEach(() => {
    now = 1_000_000;
    sut = new CookieJar(() => now);
  });

  it('sends a host cookie to every port of the host, as browsers do (RFC 6265 §8.5)', () => {
    sut.store(http, 'flow_abc=1; Path=/; HttpOnly; SameSite=Lax');
    expect(sut.headerFor(new URL('http://127.0.0.1:5000/login'))).toBe('flow_abc=1');
    expect(sut.headerFor(new URL('http://localhost:4000/login'))).toBeUndefined();
  });

  it('sends a cookie only on its path and below it', () => {
    sut.store(http, 'a=1; Path=/oauth2');
    expect(sut.headerFor(new URL('http://127.0.0.1/oauth2/token'))).toBe('a=1');
    expect(sut.headerFor(new URL('http://127.0.0.1/oauth2'))).toBe('a=1');
    expect(sut.headerFor(new URL('http://127.0.0.1/oauth22'))).toBeUndefined();
    expect(sut.headerFor(new URL('http://127.0.0.1/login'))).toBeUndefined();
  });

  it('defaults the path to the directory of the request (RFC 6265 §5.1.4)', () => {
    sut.store(http, 'a=1');
    expect(sut.all()[0]!.path).toBe('/oauth2');
  });

  it('keeps a Secure cookie set over https, sends it over https only, and drops one set over http', () => {
    sut.store(new URL('https://auth.example/x'), '__Host-session=s; Secure; Path=/');
    expect(sut.headerFor(new URL('https://auth.example/y'))).toBe('__Host-session=s');
    expect(sut.headerFor(new URL('http://auth.example/y'))).toBeUndefined();
    sut.store(http, 'insecure=1; Secure; Path=/');
    expect(sut.headerFor(http)).toBeUndefined();
  });

  it('replaces a cookie of the same name, host and path; Max-Age=0 deletes it', () => {
    sut.store(http, 'session=old; Path=/');
    sut.store(http, 'session=new; Path=/');
    expect(sut.headerFor(http)).toBe('session=new');
    sut.store(http, 'session=; Path=/; Max-Age=0');
    expect(sut.headerFor(http)).toBeUndefined();
  });

  it('expires a cookie at its Max-Age, which wins over Expires', () => {
    sut.store(http, 'a=1; Path=/; Expires=Wed, 01 Jan 2120 00:00:00 GMT; Max-Age=10');
    now += 9_000;
    expect(sut.headerFor(http)).toBe('a=1');
    now += 2_000;
    expect(sut.headerFor(http)).toBeUndefined();
  });

  it('ignores a Domain that does not cover the host, and widens to subdomains with one that does', () => {
    const app = new URL('https://app.example.com/');
    sut.store(app, 'x=1; Domain=other.example; Path=/; Secure');
    expect(sut.all()).toHaveLength(0);
    sut.store(app, 'y=2; Domain=example.com; Path=/; Secure');
    expect(sut.headerFor(new URL('https://login.example.com/'))).toBe('y=2');
  });

  it('records HttpOnly (a script could not read it) and still sends it', () => {
    sut.store(http, 'h=1; Path=/; HttpOnly');
    expect(sut.all()[0]!.httpOnly).toBe(true);
    expect(sut.headerFor(http)).toBe('h=1');
  });
});
