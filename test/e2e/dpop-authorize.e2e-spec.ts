import { decodeJwt } from 'jose';
import { SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { DpopKey, dpopKey, dpopProof } from '../support/dpop-proof';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, HttpResponse } from '../support/oauth-http';
import { ChallengeAnswerer } from '../support/sign-in-flow';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';
import { pkcePair, queryOf, TestBrowser } from '../support/test-browser';

const web = SIGN_IN_CLIENTS.web;
const webAuth = clientAuth.basic(web);

/** `dpop_jkt` at the authorization endpoint (RFC 9449 §10) and DPoP proofs at PAR (§10.1). */
describe('DPoP-bound authorization codes (RFC 9449 §10)', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let answers: ChallengeAnswerer;
  let key: DpopKey;
  let otherKey: DpopKey;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
    answers = new ChallengeAnswerer(sut);
    [key, otherKey] = await Promise.all([dpopKey(), dpopKey()]);
  }, 30_000);
  afterAll(() => sut?.close());

  const requestOf = (challenge: string, over: Record<string, string> = {}) => ({
    client_id: web.clientId,
    redirect_uri: web.redirectUri,
    response_type: 'code',
    scope: 'openid email',
    state: 'dpop-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...over,
  });
  const tokenProof = (k: DpopKey) =>
    dpopProof({ key: k, htm: 'POST', htu: sut.config.endpoints.token });
  const parProof = (k: DpopKey, htu = sut.config.endpoints.par) =>
    dpopProof({ key: k, htm: 'POST', htu });

  /** Login and consent from the authorization endpoint's first answer to the code. */
  const codeFrom = async (browser: TestBrowser, authorizeUrl: string) => {
    const start = await browser.get(authorizeUrl);
    expect(start.location).toContain('login_challenge=');
    const back = await answers.signIn(browser, start, 'alice', ['openid', 'email']);
    const code = queryOf(back.location).code;
    expect(code).toEqual(expect.any(String));
    return code!;
  };
  const signIn = async (over: Record<string, string>) => {
    const pkce = pkcePair();
    const qs = new URLSearchParams(requestOf(pkce.challenge, over));
    const code = await codeFrom(new TestBrowser(), `${sut.config.endpoints.authorization}?${qs}`);
    return { code, verifier: pkce.verifier };
  };
  const push = async (form: Record<string, string>, dpop?: string): Promise<HttpResponse> => {
    const res = await fetch(sut.config.endpoints.par, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...webAuth.headers,
        ...(dpop === undefined ? {} : { dpop }),
      },
      body: new URLSearchParams(form).toString(),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
  };
  const signInPushed = async (dpop: string, over: Record<string, string> = {}) => {
    const pkce = pkcePair();
    const pushed = await push(requestOf(pkce.challenge, over), dpop);
    expect(pushed.status).toBe(201);
    const qs = new URLSearchParams({
      client_id: web.clientId,
      request_uri: pushed.body.request_uri,
    });
    const code = await codeFrom(new TestBrowser(), `${sut.config.endpoints.authorization}?${qs}`);
    return { code, verifier: pkce.verifier };
  };
  const redeem = (c: { code: string; verifier: string }, dpop?: string) =>
    oauth.token(
      {
        grant_type: 'authorization_code',
        code: c.code,
        redirect_uri: web.redirectUri,
        code_verifier: c.verifier,
      },
      dpop === undefined ? webAuth : { ...webAuth, headers: { ...webAuth.headers, dpop } },
    );
  const expectBound = (res: HttpResponse, k: DpopKey) => {
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect(decodeJwt(res.body.access_token).cnf).toEqual({ jkt: k.jkt });
  };
  const expectRefused = (res: HttpResponse) => {
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_dpop_proof');
    expect(res.body.access_token).toBeUndefined();
  };

  describe('dpop_jkt at the authorization endpoint', () => {
    it('binds the code: redeemed with a proof of that key, to a DPoP-bound token', async () => {
      expectBound(await redeem(await signIn({ dpop_jkt: key.jkt }), await tokenProof(key)), key);
    });

    it('refuses the code with a proof of another key', async () => {
      expectRefused(await redeem(await signIn({ dpop_jkt: key.jkt }), await tokenProof(otherKey)));
    });

    it('refuses the code without a proof', async () => {
      expectRefused(await redeem(await signIn({ dpop_jkt: key.jkt })));
    });

    it('refuses a dpop_jkt that is no thumbprint, at the redirect URI', async () => {
      const qs = new URLSearchParams(requestOf(pkcePair().challenge, { dpop_jkt: 'not-a-jkt' }));
      const res = await new TestBrowser().get(`${sut.config.endpoints.authorization}?${qs}`);
      expect(queryOf(res.location)).toMatchObject({
        error: 'invalid_request',
        state: 'dpop-state',
        iss: sut.url,
      });
    });
  });

  describe('a DPoP proof at PAR (RFC 9449 §10.1)', () => {
    it("binds the code to the proof's key", async () => {
      const bound = await signInPushed(await parProof(key));
      expectRefused(await redeem(bound, await tokenProof(otherKey)));
      const again = await signInPushed(await parProof(key));
      expectBound(await redeem(again, await tokenProof(key)), key);
    });

    it('accepts dpop_jkt naming the proof key', async () => {
      const bound = await signInPushed(await parProof(key), { dpop_jkt: key.jkt });
      expectBound(await redeem(bound, await tokenProof(key)), key);
    });

    it.each([
      ['dpop_jkt naming another key', () => parProof(key), () => ({ dpop_jkt: otherKey.jkt })],
      [
        'a proof made for the token endpoint',
        () => parProof(key, sut.config.endpoints.token),
        () => ({}),
      ],
    ])('refuses %s: 400 invalid_dpop_proof', async (_, proof, over) => {
      const res = await push(requestOf(pkcePair().challenge, over()), await proof());
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_dpop_proof');
      expect(res.body.request_uri).toBeUndefined();
    });

    it('refuses a proof already used at PAR', async () => {
      const once = await parProof(key);
      expect((await push(requestOf(pkcePair().challenge), once)).status).toBe(201);
      const res = await push(requestOf(pkcePair().challenge), once);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_dpop_proof');
    });
  });
});
