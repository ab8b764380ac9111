import { CLIENTS } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, HttpResponse, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** Every answer carries the security headers: JSON APIs, HTML pages and probes alike. */
describe('security headers', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
  }, 30_000);
  afterAll(() => sut?.close());

  const expectHeaders = (res: HttpResponse) => {
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  };

  it('on the raw OAuth routes, answers and errors alike', async () => {
    const ok = await oauth.token(
      { grant_type: 'client_credentials' },
      clientAuth.basic(CLIENTS.basic),
    );
    expect(ok.status).toBe(200);
    expectHeaders(ok);
    expect(ok.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    const refused = await oauth.token({ grant_type: 'client_credentials' });
    expect(refused.status).toBe(401);
    expectHeaders(refused);
    expectHeaders(await oauth.introspect({ token: 'x' }, clientAuth.basic(CLIENTS.basic)));
    expectHeaders(await oauth.revoke({ token: 'x' }, clientAuth.basic(CLIENTS.basic)));
  });

  it("on Nest's JSON routes, probes and unknown paths", async () => {
    expectHeaders(await send(`${sut.url}/.well-known/oauth-authorization-server`));
    expectHeaders(await send(sut.config.endpoints.jwks));
    expectHeaders(await send(`${sut.url}/health/live`));
    const missing = await send(`${sut.url}/nothing-here`);
    expect(missing.status).toBe(404);
    expectHeaders(missing);
  });

  it('on HTML pages, which keep their own stricter Content-Security-Policy', async () => {
    const page = await send(`${sut.config.endpoints.authorization}?client_id=nobody`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expectHeaders(page);
    expect(page.headers.get('content-security-policy')).toContain("base-uri 'none'");
    // The reference login app's pages, an error page here (no challenge).
    const login = await send(`${sut.url}/login`);
    expect(login.headers.get('content-type')).toMatch(/^text\/html/);
    expectHeaders(login);
    expect(login.headers.get('content-security-policy')).toContain('style-src');
  });
});
