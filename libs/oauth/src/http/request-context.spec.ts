import type { IncomingHttpHeaders } from 'node:http';
import { FormParams } from './form-body';
import { HttpRequestLike, RequestContext } from './request-context';

const FORM = FormParams.parse('application/x-www-form-urlencoded', 'grant_type=x');

/** A request whose lazily-read parts count their reads. */
function countingRequest(url: string, headers: IncomingHttpHeaders) {
  const reads = { ip: 0, cookie: 0 };
  const counted: IncomingHttpHeaders = { ...headers };
  Object.defineProperty(counted, 'cookie', {
    enumerable: true,
    get: () => {
      reads.cookie++;
      return headers.cookie;
    },
  });
  const http: HttpRequestLike = {
    method: 'POST',
    url,
    headers: counted,
    get ip() {
      reads.ip++;
      return '192.0.2.7';
    },
  };
  return { http, reads };
}

describe('RequestContext', () => {
  it('gives the method, the target, its path and the headers as received', () => {
    const { http } = countingRequest('/oauth2/token?a=1', { 'x-probe': 'p' });
    const sut = new RequestContext(http, FORM);
    expect([sut.method, sut.url, sut.path]).toEqual(['POST', '/oauth2/token?a=1', '/oauth2/token']);
    expect(sut.headers['x-probe']).toBe('p');
    expect(sut.form.get('grant_type')).toBe('x');
  });

  it('reads nothing lazy until asked: no cookie parsing, no address resolution', () => {
    const { http, reads } = countingRequest('/oauth2/token', { cookie: 'sid=1' });
    const sut = new RequestContext(http, FORM);
    void sut.form;
    void sut.authorization;
    expect(reads).toEqual({ ip: 0, cookie: 0 });
  });

  it('parses the cookies once, on first read', () => {
    const { http, reads } = countingRequest('/', { cookie: 'sid=abc; theme=dark' });
    const sut = new RequestContext(http, FORM);
    expect(sut.cookies.get('sid')).toBe('abc');
    expect(sut.cookies.get('theme')).toBe('dark');
    expect(reads.cookie).toBe(1);
  });

  it('resolves the source address once (Fastify recomputes it from X-Forwarded-For per read)', () => {
    const { http, reads } = countingRequest('/', {});
    const sut = new RequestContext(http, FORM);
    expect([sut.sourceAddress, sut.sourceAddress]).toEqual(['192.0.2.7', '192.0.2.7']);
    expect(reads.ip).toBe(1);
  });

  it('parses the query strictly, and only when it is read', () => {
    const { http } = countingRequest('/authorize?state=a%20b&state=c', {});
    const sut = new RequestContext(http, FORM);
    expect(() => sut.query).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    const plain = new RequestContext(countingRequest('/authorize?state=a+b', {}).http, FORM);
    expect(plain.query.get('state')).toBe('a b');
    expect(plain.query).toBe(plain.query);
  });

  it('has an empty query when the target has none', () => {
    const sut = new RequestContext(countingRequest('/oauth2/token', {}).http, FORM);
    expect(sut.query.has('state')).toBe(false);
  });
});
