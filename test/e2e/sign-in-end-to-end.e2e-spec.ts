import { decodeJwt } from 'jose';
import { SIGN_IN_CLIENTS, USERS } from '../fixtures/test-registry';
import { basicAuthorization } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';
import { BrowserResponse, pkcePair, queryOf, TestBrowser } from '../support/test-browser';

const web = SIGN_IN_CLIENTS.web;

/** The hidden inputs of the one form of a page (the login app's documented form contract). */
function hiddenInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields[m[1]!] = m[2]!.replace(/&amp;/g, '&');
  return fields;
}

/**
 * The whole sign-in in one process, as a browser and a client see it: the authorization
 * endpoint, the reference login app's forms, the login/consent API in between, and the code
 * redeemed at the token endpoint for an ID token.
 */
describe('sign-in end to end (standalone)', () => {
  let sut: StandaloneServer;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    // The server makes its RSA keys at boot: slow on a busy machine.
  }, 30_000);
  afterAll(() => sut?.close());

  /** Where a 303 points, absolute. */
  const target = (res: BrowserResponse) => {
    expect(res.status).toBe(303);
    return new URL(res.location!, sut.url).href;
  };

  it('signs alice in through the login and consent forms and redeems the code', async () => {
    const browser = new TestBrowser();
    const pkce = pkcePair();
    const authorize = `${sut.config.endpoints.authorization}?${new URLSearchParams({
      client_id: web.clientId,
      redirect_uri: web.redirectUri,
      response_type: 'code',
      scope: 'openid email',
      state: 'e2e-state',
      nonce: 'e2e-nonce',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    })}`;

    const loginUrl = target(await browser.get(authorize));
    const loginPage = await browser.get(loginUrl);
    expect(loginPage.status).toBe(200);
    const loggedIn = await browser.post(loginUrl, {
      ...hiddenInputs(loginPage.text),
      username: USERS.alice.username,
      password: USERS.alice.password,
    });
    const consentUrl = target(await browser.get(target(loggedIn)));
    const consentPage = await browser.get(consentUrl);
    expect(consentPage.status).toBe(200);
    const allowed = await browser.post(consentUrl, {
      ...hiddenInputs(consentPage.text),
      decision: 'allow',
    });
    const callback = await browser.get(target(allowed));
    const q = queryOf(callback.location);
    expect(q).toEqual({ code: expect.any(String), state: 'e2e-state', iss: sut.url });

    const token = await fetch(sut.config.endpoints.token, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuthorization(web.clientId, web.secret),
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: q.code!,
        redirect_uri: web.redirectUri,
        code_verifier: pkce.verifier,
      }).toString(),
    });
    expect(token.status).toBe(200);
    const body = (await token.json()) as { id_token: string; access_token: string };
    expect(decodeJwt(body.id_token)).toMatchObject({
      iss: sut.url,
      aud: web.clientId,
      sub: 'alice',
      nonce: 'e2e-nonce',
      email: USERS.alice.email,
      sid: expect.any(String),
      amr: ['pwd'],
    });
  });
});
