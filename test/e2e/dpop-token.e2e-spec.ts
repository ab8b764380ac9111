import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { CLIENTS, REFRESH_CLIENTS, RESOURCES, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import {
  DpopKey,
  dpopKey,
  dpopProof,
  DpopProofOptions,
  unsignedDpopProof,
} from '../support/dpop-proof';
import { eventsDuring, issuedEventOfOpaque, ofType } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth, FormInput, HttpResponse } from '../support/oauth-http';
import { seedSignIn } from '../support/sign-in-seed';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const R = REFRESH_CLIENTS;
const basic = clientAuth.basic(CLIENTS.basic);
const introspector = clientAuth.basic(CLIENTS.introspector);
const DPOP_BOUND = { clientId: 'svc-dpop-bound', secret: 'dpop-bound-secret-0123456789ab' };
const EXTRA_CLIENTS = [
  {
    client_id: DPOP_BOUND.clientId,
    client_secret: DPOP_BOUND.secret,
    grant_types: ['client_credentials'],
    scope: 'orders:read',
    resources: [RESOURCES.orders.identifier],
    dpop_bound_access_tokens: true,
  },
];
const NONCE_ENV = {
  DPOP_NONCE_REQUIRED: 'true',
  DPOP_NONCE_SECRET: 'an-e2e-dpop-nonce-secret-of-32-characters',
};
const now = () => Math.floor(Date.now() / 1000);

/** With the proof in a `DPoP` header (RFC 9449 §4.1) beside the client's own authentication. */
const withProof = (auth: ClientAuth, proof: string | undefined): ClientAuth =>
  proof === undefined ? auth : { headers: { ...auth.headers, dpop: proof }, form: auth.form };

/** The DPoP side of the token endpoint (RFC 9449 §4-§8, §10) against the booted server. */
describe('DPoP at the token endpoint (RFC 9449)', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let key: DpopKey;
  let otherKey: DpopKey;

  beforeAll(async () => {
    sut = await startStandaloneServer({}, { extraClients: EXTRA_CLIENTS });
    oauth = new OAuthClient(sut.config.endpoints);
    [key, otherKey] = await Promise.all([dpopKey('ES256'), dpopKey('EdDSA')]);
  }, 30_000);
  afterAll(() => sut?.close());

  const proof = (o: Partial<DpopProofOptions> = {}) =>
    dpopProof({ key, htm: 'POST', htu: sut.config.endpoints.token, ...o });
  const token = (form: FormInput, auth: ClientAuth, dpop?: string) =>
    oauth.token(form, withProof(auth, dpop));
  const clientCredentials = (dpop?: string, form: Record<string, string> = {}) =>
    token({ grant_type: 'client_credentials', ...form }, basic, dpop);
  const ok = (res: HttpResponse) => {
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return res.body as Record<string, string>;
  };
  const refused = (res: HttpResponse, error = 'invalid_dpop_proof') => {
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(error);
    expect(res.body.access_token).toBeUndefined();
    expect(res.headers.get('cache-control')).toBe('no-store');
  };

  describe('binding (RFC 9449 §5, §6)', () => {
    it('answers token_type DPoP and a JWT with cnf.jkt, recorded by token.issued v4', async () => {
      const { result, events } = await eventsDuring(sut, async () =>
        clientCredentials(await proof()),
      );
      const body = ok(result);
      expect(body.token_type).toBe('DPoP');
      expect(decodeJwt(body.access_token!).cnf).toEqual({ jkt: key.jkt });
      const [issued] = ofType(events, 'token.issued');
      expect(issued?.data).toMatchObject({ cnf_kind: 'jkt', cnf_thumbprint: key.jkt });
      // The thumbprint only: never the key itself.
      expect(JSON.stringify(issued)).not.toContain(String(key.publicJwk.x));
    });

    it('binds an opaque token: introspection answers token_type DPoP and cnf', async () => {
      const res = await clientCredentials(await proof(), { resource: RESOURCES.ledger.identifier });
      const body = ok(res);
      expect(body.token_type).toBe('DPoP');
      expect(body.access_token).toMatch(/^at_/);
      const answer = await oauth.introspect({ token: body.access_token! }, introspector);
      expect(answer.body).toMatchObject({
        active: true,
        token_type: 'DPoP',
        cnf: { jkt: key.jkt },
      });
      expect(issuedEventOfOpaque(sut.events(), body.access_token!)?.data).toMatchObject({
        cnf_kind: 'jkt',
        cnf_thumbprint: key.jkt,
      });
    });

    it('stays a bearer token without a proof', async () => {
      const body = ok(await clientCredentials());
      expect(body.token_type).toBe('Bearer');
      expect(decodeJwt(body.access_token!).cnf).toBeUndefined();
    });

    it('takes a proof whose htu carries a query or fragment (RFC 9449 §4.3: compared without)', async () => {
      const htu = `${sut.config.endpoints.token}?x=1#f`;
      expect(ok(await clientCredentials(await proof({ htu }))).token_type).toBe('DPoP');
    });

    it('binds with any advertised algorithm: EdDSA', async () => {
      const body = ok(await clientCredentials(await proof({ key: otherKey })));
      expect(decodeJwt(body.access_token!).cnf).toEqual({ jkt: otherKey.jkt });
    });
  });

  describe('bad proofs: 400 invalid_dpop_proof, no token, no event', () => {
    const htu = () => sut.config.endpoints.token;
    const claims = () => ({ jti: randomUUID(), htm: 'POST', htu: htu(), iat: now() });
    const cases: [string, () => Promise<string>][] = [
      ['the htu of another endpoint', () => proof({ htu: sut.config.endpoints.introspection })],
      ['the htu of another host', () => proof({ htu: 'https://evil.example/oauth2/token' })],
      ['another htm', () => proof({ htm: 'GET' })],
      ['a stale iat', () => proof({ iat: now() - 600 })],
      ['an iat in the future', () => proof({ iat: now() + 600 })],
      ['a private key in its jwk', () => proof({ header: { jwk: key.privateJwk } })],
      ['typ JWT', () => proof({ header: { typ: 'JWT' } })],
      ['no jti', () => proof({ claims: { jti: undefined } })],
      [
        'a jwk of another key than the signer',
        () => proof({ header: { jwk: otherKey.publicJwk } }),
      ],
      [
        'alg none',
        async () =>
          unsignedDpopProof({ alg: 'none', typ: 'dpop+jwt', jwk: key.publicJwk }, claims()),
      ],
      [
        'an HMAC (HS256) proof',
        () =>
          new SignJWT(claims())
            .setProtectedHeader({
              alg: 'HS256',
              typ: 'dpop+jwt',
              jwk: { kty: 'oct', k: 'c2VjcmV0' },
            } as never)
            .sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!')),
      ],
      ['two proofs in one header', async () => `${await proof()}, ${await proof()}`],
      ['no JWT at all', async () => 'not-a-proof'],
    ];

    it.each(cases)('refuses a proof with %s', async (_, make) => {
      const { result, events } = await eventsDuring(sut, async () =>
        clientCredentials(await make()),
      );
      refused(result);
      expect(ofType(events, 'token.issued')).toEqual([]);
    });

    it('refuses a proof presented a second time (its jti is single-use)', async () => {
      const once = await proof();
      expect(ok(await clientCredentials(once)).token_type).toBe('DPoP');
      refused(await clientCredentials(once));
    });

    // Issue 12: refusals are counted in metrics, never evented (the cases above see no event).
    it('counts refused proofs in the request metrics by their error code', async () => {
      const refusals = async () => {
        const text = await (await fetch(`${sut.url}/metrics`)).text();
        const line = text
          .split('\n')
          .find(
            (l) =>
              l.startsWith('token_lifecycle_http_requests_total{') &&
              l.includes('route="/oauth2/token"') &&
              l.includes('error="invalid_dpop_proof"'),
          );
        return line === undefined ? 0 : Number(line.split(' ').pop());
      };
      const before = await refusals();
      refused(await clientCredentials(await proof({ htm: 'GET' })));
      refused(await clientCredentials('not-a-proof'));
      expect(await refusals()).toBe(before + 2);
    });
  });

  describe('dpop_bound_access_tokens (RFC 9449 §5.2)', () => {
    const bound = clientAuth.basic(DPOP_BOUND);

    it('refuses the client without a proof', async () => {
      const res = await token({ grant_type: 'client_credentials' }, bound);
      refused(res);
      expect(res.body.error_description).toMatch(/DPoP proof/);
    });

    it('binds its token when it sends one', async () => {
      const body = ok(await token({ grant_type: 'client_credentials' }, bound, await proof()));
      expect(body.token_type).toBe('DPoP');
      expect(decodeJwt(body.access_token!).cnf).toEqual({ jkt: key.jkt });
    });
  });

  describe('refresh tokens (RFC 9449 §5)', () => {
    const native = clientAuth.publicClient(R.native.clientId);
    const web = clientAuth.basic(R.web);
    const scopes = ['openid', 'offline_access', 'orders:read'];

    const redeem = async (clientId: string, auth: ClientAuth, dpop?: string) => {
      const seeded = await seedSignIn(sut, {
        clientId,
        redirectUri: R.redirectUri,
        grant: { scopes, resources: [RESOURCES.orders.identifier] },
      });
      const form = {
        grant_type: 'authorization_code',
        code: seeded.code,
        redirect_uri: R.redirectUri,
        code_verifier: seeded.verifier,
      };
      return eventsDuring(sut, () => token(form, auth, dpop));
    };
    const refresh = (refreshToken: string, auth: ClientAuth, dpop?: string) =>
      token({ grant_type: 'refresh_token', refresh_token: refreshToken }, auth, dpop);

    it("binds a public client's refresh token to the proof's key: token.issued carries it", async () => {
      const { result, events } = await redeem(R.native.clientId, native, await proof());
      const body = ok(result);
      expect(body.token_type).toBe('DPoP');
      const issued = issuedEventOfOpaque(events, body.refresh_token!);
      expect(issued?.data).toMatchObject({
        token_kind: 'refresh_token',
        cnf_kind: 'jkt',
        cnf_thumbprint: key.jkt,
      });
    });

    it('refuses a refresh with another key or none, and keeps the token usable with the right key', async () => {
      const { result } = await redeem(R.native.clientId, native, await proof());
      const first = ok(result).refresh_token!;
      refused(await refresh(first, native, await proof({ key: otherKey })));
      refused(await refresh(first, native));
      const next = ok(await refresh(first, native, await proof()));
      expect(next.token_type).toBe('DPoP');
      expect(decodeJwt(next.access_token!).cnf).toEqual({ jkt: key.jkt });
      expect(next.refresh_token).not.toBe(first);
      // The family stays bound: the new token too wants the same key.
      refused(await refresh(next.refresh_token!, native, await proof({ key: otherKey })));
      expect(ok(await refresh(next.refresh_token!, native, await proof())).token_type).toBe('DPoP');
    });

    it("leaves a confidential client's refresh token unbound; its access tokens bound by proof", async () => {
      const { result, events } = await redeem(R.web.clientId, web, await proof());
      const body = ok(result);
      expect(body.token_type).toBe('DPoP');
      expect(issuedEventOfOpaque(events, body.refresh_token!)?.data).not.toHaveProperty('cnf_kind');
      const bearer = ok(await refresh(body.refresh_token!, web));
      expect(bearer.token_type).toBe('Bearer');
      const bound = ok(await refresh(bearer.refresh_token!, web, await proof({ key: otherKey })));
      expect(bound.token_type).toBe('DPoP');
      expect(decodeJwt(bound.access_token!).cnf).toEqual({ jkt: otherKey.jkt });
    });

    it("leaves a public client's refresh token unbound when its code was redeemed without a proof", async () => {
      const { result } = await redeem(R.native.clientId, native);
      const body = ok(result);
      expect(body.token_type).toBe('Bearer');
      expect(ok(await refresh(body.refresh_token!, native)).token_type).toBe('Bearer');
    });
  });

  describe('a code bound by dpop_jkt (RFC 9449 §10)', () => {
    const web = clientAuth.basic(R.web);
    const redeemBound = async (dpop?: string) => {
      const seeded = await seedSignIn(sut, {
        clientId: R.web.clientId,
        redirectUri: R.redirectUri,
        grant: { scopes: ['orders:read'], resources: [RESOURCES.orders.identifier] },
        code: { dpopJkt: key.jkt },
      });
      const form = {
        grant_type: 'authorization_code',
        code: seeded.code,
        redirect_uri: R.redirectUri,
        code_verifier: seeded.verifier,
      };
      return token(form, web, dpop);
    };

    it('is redeemed with a proof of that key, to a bound token', async () => {
      const body = ok(await redeemBound(await proof()));
      expect(body.token_type).toBe('DPoP');
      expect(decodeJwt(body.access_token!).cnf).toEqual({ jkt: key.jkt });
    });

    it.each([
      ['a proof of another key', () => proof({ key: otherKey })],
      ['no proof', async () => undefined],
    ])('is refused with %s', async (_, make) => {
      refused(await redeemBound(await make()));
    });
  });
});

/** Server nonces (RFC 9449 §8): required by DPOP_NONCE_REQUIRED. */
describe('DPoP nonces at the token endpoint (RFC 9449 §8)', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let key: DpopKey;

  beforeAll(async () => {
    sut = await startStandaloneServer(NONCE_ENV);
    oauth = new OAuthClient(sut.config.endpoints);
    key = await dpopKey();
  }, 30_000);
  afterAll(() => sut?.close());

  const clientCredentials = async (o: Partial<DpopProofOptions> | null) =>
    oauth.token(
      { grant_type: 'client_credentials' },
      withProof(
        basic,
        o === null
          ? undefined
          : await dpopProof({ key, htm: 'POST', htu: sut.config.endpoints.token, ...o }),
      ),
    );

  it('answers a proof without a nonce use_dpop_nonce with DPoP-Nonce, then binds with it', async () => {
    const first = await clientCredentials({});
    expect(first.status).toBe(400);
    expect(first.body.error).toBe('use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = await clientCredentials({ nonce: nonce! });
    expect(second.status).toBe(200);
    expect(second.body.token_type).toBe('DPoP');
    expect(second.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a nonce the server never made: use_dpop_nonce with a fresh one', async () => {
    const res = await clientCredentials({ nonce: 'A'.repeat(43) });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('use_dpop_nonce');
    expect(res.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('hands the nonce out on every answer: a bearer request and an error too', async () => {
    const bearer = await clientCredentials(null);
    expect(bearer.status).toBe(200);
    expect(bearer.body.token_type).toBe('Bearer');
    expect(bearer.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const error = await oauth.token({ grant_type: 'password' }, basic);
    expect(error.body.error).toBe('unsupported_grant_type');
    expect(error.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('hands it out at the PAR endpoint too, on a pushed request and on an error', async () => {
    const web = SIGN_IN_CLIENTS.web;
    const push = (form: Record<string, string>) =>
      fetch(sut.config.endpoints.par, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...clientAuth.basic(web).headers,
        },
        body: new URLSearchParams(form).toString(),
      });
    const pushed = await push({
      response_type: 'code',
      redirect_uri: web.redirectUri,
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    expect(pushed.status).toBe(201);
    expect(pushed.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const refused = await push({ response_type: 'token', redirect_uri: web.redirectUri });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('dpop-nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
