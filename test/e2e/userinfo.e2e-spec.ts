import { decodeJwt } from 'jose';
import { pairwiseSubject } from '@app/tokens';
import { CLIENTS, RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, HttpResponse, postForm, send } from '../support/oauth-http';
import { SeedOptions, seedSignIn } from '../support/sign-in-seed';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** GET|POST /oauth2/userinfo (OIDC Core §5.3) with RFC 6750 bearer tokens and errors. */
describe('/oauth2/userinfo', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let userinfo: string;
  const web = clientAuth.basic(SIGN_IN_CLIENTS.web);

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
    userinfo = sut.config.endpoints.userinfo;
  });
  afterAll(() => sut?.close());

  /** Signs alice in (seeded code and grant) and redeems the code: the token answer. */
  const signIn = async (
    o: Partial<SeedOptions> = {},
    auth = web,
  ): Promise<{ access_token: string; id_token: string; grantId: string }> => {
    const seeded = await seedSignIn(sut, {
      clientId: SIGN_IN_CLIENTS.web.clientId,
      redirectUri: SIGN_IN_CLIENTS.web.redirectUri,
      ...o,
      grant: { scopes: ['openid', 'profile', 'email'], ...o.grant },
    });
    const res = await oauth.token(
      {
        grant_type: 'authorization_code',
        code: seeded.code,
        redirect_uri: seeded.record.redirectUri,
        code_verifier: seeded.verifier,
      },
      auth,
    );
    if (res.status !== 200) throw new Error(`redemption refused: ${res.text}`);
    return {
      ...(res.body as { access_token: string; id_token: string }),
      grantId: seeded.grant.grantId,
    };
  };
  const get = (token?: string) =>
    send(userinfo, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  const expectChallenge = (res: HttpResponse, status: number, error?: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const challenge = res.headers.get('www-authenticate')!;
    expect(challenge).toMatch(new RegExp(`^Bearer realm="${sut.url}"`));
    if (error === undefined) expect(challenge).not.toMatch(/error=/);
    else expect(challenge).toContain(`error="${error}"`);
  };

  describe('a token carrying openid', () => {
    let tokens: Awaited<ReturnType<typeof signIn>>;
    beforeAll(async () => {
      tokens = await signIn();
    });

    it('GET with the Authorization header: sub and the claims the scopes release, not cached', async () => {
      const res = await get(tokens.access_token);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      // phone was not granted: phone_number stays out (OIDC Core §5.4).
      expect(res.body).toStrictEqual({
        sub: 'user-alice',
        name: 'Alice Liddell',
        email: 'alice@test.example',
        email_verified: true,
      });
    });

    it('its sub is the ID token’s sub (OIDC Core §5.3.2)', async () => {
      expect((await get(tokens.access_token)).body.sub).toBe(decodeJwt(tokens.id_token).sub);
    });

    it('POST with the Authorization header, answered 200', async () => {
      const res = await send(userinfo, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(res.status).toBe(200);
      expect(res.body.sub).toBe('user-alice');
    });

    it('POST with the token in a form body (RFC 6750 §2.2)', async () => {
      const res = await postForm(userinfo, { access_token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.body.sub).toBe('user-alice');
    });

    it('the API token of a sign-in that also granted openid serves too', async () => {
      const api = await signIn({
        grant: {
          scopes: ['openid', 'profile', 'orders:read'],
          resources: [RESOURCES.orders.identifier],
        },
      });
      expect(decodeJwt(api.access_token).aud).toBe(RESOURCES.orders.identifier);
      const res = await get(api.access_token);
      expect(res.status).toBe(200);
      expect(res.body).toStrictEqual({ sub: 'user-alice', name: 'Alice Liddell' });
    });
  });

  it('a pairwise client sees its pairwise sub, the ID token’s', async () => {
    const tokens = await signIn(
      {
        clientId: SIGN_IN_CLIENTS.pairwise.clientId,
        redirectUri: SIGN_IN_CLIENTS.pairwise.redirectUri,
      },
      clientAuth.post(SIGN_IN_CLIENTS.pairwise),
    );
    const res = await get(tokens.access_token);
    const sub = pairwiseSubject(
      SIGN_IN_CLIENTS.pairwise.sectorIdentifier,
      'user-alice',
      sut.config.signIn.pairwiseSalt,
    );
    expect(res.body.sub).toBe(sub);
    expect(decodeJwt(tokens.id_token).sub).toBe(sub);
  });

  describe('RFC 6750 §3 errors', () => {
    it('401 with a bare challenge when there is no token', async () => {
      expectChallenge(await get(), 401);
    });

    it('401 invalid_token for a token that is not ours', async () => {
      expectChallenge(await get('not-a-token'), 401, 'invalid_token');
    });

    it('401 invalid_token for an ID token (not an access token)', async () => {
      const { id_token } = await signIn();
      expectChallenge(await get(id_token), 401, 'invalid_token');
    });

    it('401 invalid_token for a revoked access token', async () => {
      const { access_token } = await signIn();
      expect((await oauth.revoke({ token: access_token }, web)).status).toBe(200);
      expectChallenge(await get(access_token), 401, 'invalid_token');
    });

    it('401 invalid_token once the grant is revoked by a code replay', async () => {
      const seeded = await seedSignIn(sut, {
        clientId: SIGN_IN_CLIENTS.web.clientId,
        redirectUri: SIGN_IN_CLIENTS.web.redirectUri,
      });
      const form = {
        grant_type: 'authorization_code',
        code: seeded.code,
        redirect_uri: seeded.record.redirectUri,
        code_verifier: seeded.verifier,
      };
      const first = await oauth.token(form, web);
      expect((await get(first.body.access_token)).status).toBe(200);
      expect((await oauth.token(form, web)).body.error).toBe('invalid_grant');
      expectChallenge(await get(first.body.access_token), 401, 'invalid_token');
    });

    it('403 insufficient_scope for a good access token without openid', async () => {
      const token = await oauth.accessToken(clientAuth.basic(CLIENTS.basic));
      const res = await get(token);
      expectChallenge(res, 403, 'insufficient_scope');
      expect(res.headers.get('www-authenticate')).toContain('scope="openid"');
    });

    it('400 invalid_request for a token in the header and the body at once', async () => {
      const { access_token } = await signIn();
      const res = await postForm(
        userinfo,
        { access_token },
        { authorization: `Bearer ${access_token}` },
      );
      expectChallenge(res, 400, 'invalid_request');
    });

    it('never echoes the token in an error', async () => {
      const token = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln';
      const res = await get(token);
      expect(res.text).not.toContain(token);
      expect(res.headers.get('www-authenticate')).not.toContain(token);
    });
  });
});
