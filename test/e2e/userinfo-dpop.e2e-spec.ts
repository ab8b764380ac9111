import { randomUUID } from 'node:crypto';
import { DPOP_CHALLENGE_ALGS } from '@app/resource-server';
import { TOKEN_STORE, TokenStore } from '@app/store';
import {
  AccessTokenClaims,
  DPOP_ERRORS as E,
  JwtAccessTokenFormat,
  OpaqueTokenFormat,
} from '@app/tokens';
import { REFRESH_CLIENTS, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import {
  DpopKey,
  dpopKey,
  dpopProof,
  dpopProofAlgNone,
  dpopProofHs256,
  DpopProofOptions,
} from '../support/dpop-proof';
import { HttpResponse, postForm, send } from '../support/oauth-http';
import { nowSeconds } from '../support/rs-tokens';
import { seedSignIn } from '../support/sign-in-seed';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const ALGS = `algs="${DPOP_CHALLENGE_ALGS}"`;
const NONCE_ENV = {
  DPOP_NONCE_REQUIRED: 'true',
  DPOP_NONCE_SECRET: 'userinfo-e2e-nonce-secret-of-32-characters',
};

/** Alice's grant to the web client, and an access token of it bound to `jkt` (or not). */
async function userToken(
  server: StandaloneServer,
  jkt: string | undefined,
  format: 'jwt' | 'opaque' = 'jwt',
): Promise<string> {
  const { grant } = await seedSignIn(server, {
    clientId: SIGN_IN_CLIENTS.web.clientId,
    redirectUri: SIGN_IN_CLIENTS.web.redirectUri,
  });
  const now = nowSeconds();
  const claims: AccessTokenClaims = {
    iss: server.url,
    sub: 'user-alice',
    aud: server.config.endpoints.userinfo,
    clientId: SIGN_IN_CLIENTS.web.clientId,
    scope: 'openid profile',
    jti: randomUUID(),
    iat: now,
    nbf: now,
    exp: now + 300,
    grantId: grant.grantId,
    ...(jkt === undefined ? {} : { cnf: { jkt } }),
  };
  if (format === 'jwt') return server.app.get(JwtAccessTokenFormat).mint(claims, 'ES256');
  const { token, digest } = OpaqueTokenFormat.mint('at');
  await server.app.get<TokenStore>(TOKEN_STORE).save(digest, claims);
  return token;
}

/**
 * /oauth2/userinfo takes DPoP-bound tokens under the resource-server rules (RFC 9449 §7): the
 * proof's htu is the configured public userinfo URL. Tokens are minted by the running platform
 * with `cnf.jkt` (binding at the token endpoint is another part of the issue).
 */
describe('/oauth2/userinfo with DPoP-bound tokens', () => {
  let server: StandaloneServer;
  let userinfo: string;
  let key: DpopKey;
  let other: DpopKey;

  beforeAll(async () => {
    [server, key, other] = await Promise.all([
      startStandaloneServer(),
      dpopKey('ES256'),
      dpopKey('ES256'),
    ]);
    userinfo = server.config.endpoints.userinfo;
  });
  afterAll(() => server?.close());

  const proofFor = (token: string, o: Partial<DpopProofOptions> = {}) =>
    dpopProof({ key, htm: 'GET', htu: userinfo, accessToken: token, ...o });
  const get = (headers: Record<string, string>) => send(userinfo, { headers });
  const withDpop = (token: string, proof: string) =>
    get({ authorization: `DPoP ${token}`, dpop: proof });

  const expectDpopError = (res: HttpResponse, error: string, description?: string) => {
    expect(res.status).toBe(401);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(
      new RegExp(`^Bearer realm="${server.url}", DPoP realm="${server.url}", error="${error}"`),
    );
    expect(challenge).toContain(ALGS);
    if (description !== undefined) expect(res.body.error_description).toBe(description);
  };

  it('GET with the DPoP scheme and a proof of the bound key: the claims', async () => {
    const token = await userToken(server, key.jkt);
    const res = await withDpop(token, await proofFor(token));
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual({ sub: 'user-alice', name: 'Alice Liddell' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('POST, and an opaque bound token (its record keeps cnf)', async () => {
    const token = await userToken(server, key.jkt, 'opaque');
    const res = await send(userinfo, {
      method: 'POST',
      headers: { authorization: `DPoP ${token}`, dpop: await proofFor(token, { htm: 'POST' }) },
    });
    expect(res.status).toBe(200);
    expect(res.body.sub).toBe('user-alice');
  });

  it('a bound token as Bearer (header or form body): invalid_token in the Bearer challenge', async () => {
    const token = await userToken(server, key.jkt);
    for (const res of [
      await get({ authorization: `Bearer ${token}` }),
      await postForm(userinfo, { access_token: token }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(
        new RegExp(
          `^Bearer realm="${server.url}", error="invalid_token", .*DPoP realm="[^"]+", ${ALGS}$`,
        ),
      );
    }
  });

  it('an unbound token with the DPoP scheme: invalid_token under DPoP; as Bearer it serves', async () => {
    const token = await userToken(server, undefined);
    expectDpopError(await withDpop(token, await proofFor(token)), 'invalid_token');
    expect((await get({ authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('a token bound to one key with a proof of another: invalid_token under DPoP', async () => {
    const token = await userToken(server, key.jkt);
    const res = await withDpop(token, await proofFor(token, { key: other }));
    expectDpopError(
      res,
      'invalid_token',
      'the access token is not bound to the key of the DPoP proof',
    );
  });

  it('a proof replayed: invalid_dpop_proof', async () => {
    const token = await userToken(server, key.jkt);
    const proof = await proofFor(token);
    expect((await withDpop(token, proof)).status).toBe(200);
    expectDpopError(await withDpop(token, proof), 'invalid_dpop_proof', E.replayed);
  });

  it.each<[string, (t: string) => Promise<string> | string, string]>([
    ['htu of the token endpoint', (t) => proofFor(t, { htu: `${server.url}/oauth2/token` }), E.htu],
    ['a stale iat', (t) => proofFor(t, { iat: nowSeconds() - 600 }), E.iat],
    ['ath of another token', (t) => proofFor(t, { accessToken: 'another' }), E.ath],
    ['a private key in the jwk', (t) => proofFor(t, { header: { jwk: key.privateJwk } }), E.jwk],
    [
      'alg none',
      (t) => `${dpopProofAlgNone({ key, htm: 'GET', htu: userinfo, accessToken: t })}c2ln`,
      E.alg,
    ],
    ['HS256', (t) => dpopProofHs256({ key, htm: 'GET', htu: userinfo, accessToken: t }), E.alg],
  ])('a proof with %s: invalid_dpop_proof', async (_case, make, description) => {
    const token = await userToken(server, key.jkt);
    const res = await withDpop(token, await make(token));
    expectDpopError(res, 'invalid_dpop_proof', description);
    expect(res.text).not.toContain(token);
  });

  it('no proof: invalid_dpop_proof; no token: both schemes challenged', async () => {
    const token = await userToken(server, key.jkt);
    expectDpopError(await get({ authorization: `DPoP ${token}` }), 'invalid_dpop_proof');
    const none = await get({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(
      `Bearer realm="${server.url}", DPoP realm="${server.url}", ${ALGS}`,
    );
    expect(none.headers.get('dpop-nonce')).toBeNull();
  });

  it('a browser app (a public client origin) may send the DPoP header and read DPoP-Nonce', async () => {
    const origin = new URL(REFRESH_CLIENTS.redirectUri).origin;
    const preflight = await send(userinfo, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,dpop',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/\bDPoP\b/);
    const token = await userToken(server, key.jkt);
    const res = await send(userinfo, {
      headers: { origin, authorization: `DPoP ${token}`, dpop: await proofFor(token) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/\bDPoP-Nonce\b/);
  });

  describe('with nonces required (DPOP_NONCE_REQUIRED)', () => {
    let noncing: StandaloneServer;
    beforeAll(async () => {
      noncing = await startStandaloneServer(NONCE_ENV);
    });
    afterAll(() => noncing?.close());

    it('use_dpop_nonce with DPoP-Nonce, then the retry with it; every answer hands one out', async () => {
      const url = noncing.config.endpoints.userinfo;
      const token = await userToken(noncing, key.jkt);
      const proof = (nonce?: string) =>
        dpopProof({ key, htm: 'GET', htu: url, accessToken: token, nonce });
      const first = await send(url, {
        headers: { authorization: `DPoP ${token}`, dpop: await proof() },
      });
      expect(first.status).toBe(401);
      expect(first.headers.get('www-authenticate')).toContain('error="use_dpop_nonce"');
      const nonce = first.headers.get('dpop-nonce');
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const retry = await send(url, {
        headers: { authorization: `DPoP ${token}`, dpop: await proof(nonce!) },
      });
      expect(retry.status).toBe(200);
      expect(retry.headers.get('dpop-nonce')).toBe(nonce);
      // A refusal for another reason carries the nonce too.
      const bare = await send(url);
      expect(bare.status).toBe(401);
      expect(bare.headers.get('dpop-nonce')).toBe(nonce);
    });
  });
});
