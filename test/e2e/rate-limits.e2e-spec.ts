import { CLIENTS, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { ClientAuth, clientAuth, HttpResponse, postForm, send } from '../support/oauth-http';
import { pkcePair } from '../support/test-browser';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const PER_CLIENT = 3;
const PER_ADDRESS = 5;
const OWN_LIMIT = { clientId: 'svc-own-limit', secret: 'own-limit-secret-0123456789ab' };

/**
 * Requests per client and per address (RATE_LIMIT_*), on every endpoint that has them: past the
 * allowance, 429 with Retry-After and an RFC 6749 §5.2 body. The server trusts loopback as its
 * proxy (TRUST_PROXY), so each test speaks from addresses of its own through X-Forwarded-For.
 */
describe('request rate limits', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let nextAddress = 0;
  /** A fresh caller address (TEST-NET-3), never used by another test. */
  const address = () => `203.0.113.${++nextAddress}`;

  beforeAll(async () => {
    const env: Record<string, string> = {
      RATE_LIMIT_WINDOW_SECONDS: '60',
      TRUST_PROXY: 'loopback',
    };
    for (const e of ['TOKEN', 'PAR', 'INTROSPECTION', 'REVOCATION'])
      env[`RATE_LIMIT_${e}_PER_CLIENT`] = String(PER_CLIENT);
    for (const e of ['TOKEN', 'PAR', 'AUTHORIZE', 'INTROSPECTION', 'REVOCATION'])
      env[`RATE_LIMIT_${e}_PER_ADDRESS`] = String(PER_ADDRESS);
    sut = await startStandaloneServer(env, {
      extraClients: [
        {
          client_id: OWN_LIMIT.clientId,
          client_secret: OWN_LIMIT.secret,
          grant_types: ['client_credentials'],
          resources: ['https://orders.test.example'],
          scope: 'orders:read',
          rate_limit: { token: 1, introspection: 0 },
        },
      ],
    });
    oauth = new OAuthClient(sut.config.endpoints);
  }, 30_000);
  afterAll(() => sut?.close());

  const from = (addr: string, auth: ClientAuth = clientAuth.none): ClientAuth =>
    clientAuth.combine(auth, { headers: { 'x-forwarded-for': addr }, form: {} });
  const expectLimited = (res: HttpResponse) => {
    expect(res.status).toBe(429);
    expect(res.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'too many requests; retry later',
    });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  };
  const parForm = () => ({
    client_id: SIGN_IN_CLIENTS.web.clientId,
    redirect_uri: SIGN_IN_CLIENTS.web.redirectUri,
    response_type: 'code',
    scope: 'openid',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
  });

  /** One request to each endpoint, as `auth` from `addr`; the status a served request gets. */
  const ENDPOINTS: Record<
    string,
    { call: (addr: string) => Promise<HttpResponse>; served: number }
  > = {
    token: {
      call: (addr) =>
        oauth.token(
          { grant_type: 'client_credentials' },
          from(addr, clientAuth.basic(CLIENTS.basic)),
        ),
      served: 200,
    },
    par: {
      call: (addr) =>
        postForm(sut.config.endpoints.par, parForm(), {
          ...from(addr, clientAuth.basic(SIGN_IN_CLIENTS.web)).headers,
        }),
      served: 201,
    },
    introspection: {
      call: (addr) =>
        oauth.introspect({ token: 'unknown' }, from(addr, clientAuth.basic(CLIENTS.basic))),
      served: 200,
    },
    revocation: {
      call: (addr) =>
        oauth.revoke({ token: 'unknown' }, from(addr, clientAuth.basic(CLIENTS.basic))),
      served: 200,
    },
  };

  it.each(Object.keys(ENDPOINTS))(
    '%s: an authenticated client past its allowance gets 429, from any address',
    async (name) => {
      const { call, served } = ENDPOINTS[name]!;
      for (let i = 0; i < PER_CLIENT; i++) expect((await call(address())).status).toBe(served);
      expectLimited(await call(address()));
    },
  );

  it.each(['token', 'par', 'introspection', 'revocation'] as const)(
    '%s: one address past its allowance gets 429 before its request is looked at',
    async (name) => {
      const url = sut.config.endpoints[name];
      const flooder = address();
      const junk = (addr: string) => postForm(url, {}, from(addr).headers);
      // Unauthenticated requests count against the address (and against no client).
      const refused = (await junk(flooder)).status; // 400 or 401, by endpoint
      expect([400, 401]).toContain(refused);
      for (let i = 1; i < PER_ADDRESS; i++) expect((await junk(flooder)).status).toBe(refused);
      expectLimited(await junk(flooder));
      // Another address is counted on its own.
      expect((await junk(address())).status).toBe(refused);
    },
  );

  it('authorize: one address past its allowance gets 429 before the request is looked at', async () => {
    const flooder = address();
    const get = () =>
      send(`${sut.config.endpoints.authorization}?client_id=nobody`, {
        headers: { 'x-forwarded-for': flooder },
        redirect: 'manual',
      });
    for (let i = 0; i < PER_ADDRESS; i++) expect((await get()).status).toBe(400);
    expectLimited(await get());
  });

  it("failures do not spend a client's allowance: a wrong secret cannot lock a client out", async () => {
    const victim = { clientId: CLIENTS.post.clientId, secret: 'not-the-secret' };
    for (let i = 0; i < PER_CLIENT + 2; i++)
      expect(
        (
          await oauth.token(
            { grant_type: 'client_credentials' },
            from(address(), clientAuth.post(victim)),
          )
        ).status,
      ).toBe(401);
    const res = await oauth.token(
      { grant_type: 'client_credentials' },
      from(address(), clientAuth.post(CLIENTS.post)),
    );
    expect(res.status).toBe(200);
  });

  it("holds a client to its registration's rate_limit, over the defaults", async () => {
    const auth = () => from(address(), clientAuth.basic(OWN_LIMIT));
    const token = () => oauth.token({ grant_type: 'client_credentials' }, auth());
    // token: 1 per window instead of 3.
    expect((await token()).status).toBe(200);
    expectLimited(await token());
    // introspection: 0, not limited at all.
    for (let i = 0; i < PER_CLIENT + 2; i++)
      expect((await oauth.introspect({ token: 'x' }, auth())).status).toBe(200);
  });
});
