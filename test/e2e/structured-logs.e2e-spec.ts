import { version } from '../../package.json';
import { IntrospectTokenUseCase } from '../../apps/introspection/src/introspect-token.usecase';
import { CLIENTS, REFRESH_CLIENTS, RESOURCES, USERS } from '../fixtures/test-registry';
import { clientAssertion } from '../support/client-assertion';
import { OAuthClient } from '../support/oauth-client';
import { basicAuthorization, clientAuth, send } from '../support/oauth-http';
import { signIn } from '../support/sign-in-driver';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const R = REFRESH_CLIENTS;

/**
 * Issue 15 "Logs": a whole flow at LOG_LEVEL=debug, every line the service wrote captured, then
 * searched for each secret the flow used: client secrets, a client assertion, a password, the
 * code and its verifier, access, refresh and ID tokens. None may appear, and every line is JSON
 * naming the service and version, with the request id on the lines of a request.
 */
describe('structured logs of a full flow', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  const captured: string[] = [];
  /** Every value the flow sent or received that a log must never hold. */
  const secrets = new Set<string>();

  beforeAll(async () => {
    sut = await startStandaloneServer(
      { LOG_LEVEL: 'debug', LOG_FORMAT: 'json' },
      { logDestination: { write: (line: string) => captured.push(line) } },
    );
    oauth = new OAuthClient(sut.config.endpoints);
  }, 30_000);
  afterAll(() => sut?.close());

  const keep = (...values: (string | undefined)[]) => {
    for (const v of values) if (v) secrets.add(v);
  };
  const lines = () => captured.map((l) => JSON.parse(l) as Record<string, unknown>);

  it('runs client credentials, a sign-in with a password, redemption, refresh and revocation', async () => {
    // client_credentials with a secret, in the header and in the body.
    keep(CLIENTS.basic.secret, basicAuthorization(CLIENTS.basic.clientId, CLIENTS.basic.secret));
    keep(CLIENTS.post.secret);
    const basicToken = await oauth.accessToken(clientAuth.basic(CLIENTS.basic));
    const postToken = await oauth.accessToken(clientAuth.post(CLIENTS.post));
    keep(basicToken, postToken);

    // private_key_jwt: the assertion is a credential too (RFC 7523 §3).
    const assertion = await clientAssertion({
      clientId: sut.jwtClient.clientId,
      key: sut.jwtClient.privateKey,
      kid: sut.jwtClient.kid,
      audience: sut.config.endpoints.token,
    });
    keep(assertion);
    keep(await oauth.accessToken(clientAuth.privateKeyJwt(assertion)));

    // A sign-in through the reference login app's form: the user's password is typed in.
    keep(USERS.alice.password, R.web.secret);
    const flow = await signIn({
      authorizationEndpoint: sut.config.endpoints.authorization,
      clientId: R.web.clientId,
      scope: 'openid offline_access orders:read',
      resources: [RESOURCES.orders.identifier],
      redirectUri: R.redirectUri,
      user: USERS.alice,
    });
    expect(flow.code).toEqual(expect.any(String));
    keep(flow.code, flow.pkce.verifier);
    const web = clientAuth.basic(R.web);
    const redeemed = await oauth.token(
      {
        grant_type: 'authorization_code',
        code: flow.code!,
        redirect_uri: R.redirectUri,
        code_verifier: flow.pkce.verifier,
      },
      web,
    );
    expect(redeemed.status).toBe(200);
    const first = redeemed.body as Record<string, string>;
    keep(first.access_token, first.refresh_token, first.id_token);
    expect(first.refresh_token).toEqual(expect.any(String));

    // The code replayed (RFC 6749 §4.1.2: the grant is revoked, a line says so).
    const replay = await oauth.token(
      {
        grant_type: 'authorization_code',
        code: flow.code!,
        redirect_uri: R.redirectUri,
        code_verifier: flow.pkce.verifier,
      },
      web,
    );
    expect(replay.status).toBe(400);

    // A fresh grant, refreshed, then its old refresh token reused (RFC 9700 §4.14.2).
    const again = await signIn({
      authorizationEndpoint: sut.config.endpoints.authorization,
      clientId: R.web.clientId,
      scope: 'openid offline_access orders:read',
      resources: [RESOURCES.orders.identifier],
      redirectUri: R.redirectUri,
      user: USERS.alice,
    });
    keep(again.code, again.pkce.verifier);
    const second = (
      await oauth.token(
        {
          grant_type: 'authorization_code',
          code: again.code!,
          redirect_uri: R.redirectUri,
          code_verifier: again.pkce.verifier,
        },
        web,
      )
    ).body as Record<string, string>;
    keep(second.access_token, second.refresh_token, second.id_token);
    const refreshed = await oauth.token(
      { grant_type: 'refresh_token', refresh_token: second.refresh_token! },
      web,
    );
    expect(refreshed.status).toBe(200);
    const rotated = refreshed.body as Record<string, string>;
    keep(rotated.access_token, rotated.refresh_token, rotated.id_token);
    const reused = await oauth.token(
      { grant_type: 'refresh_token', refresh_token: second.refresh_token! },
      web,
    );
    expect(reused.status).toBe(400);

    // Introspection and revocation of what was issued.
    keep(CLIENTS.introspector.secret);
    const introspected = await oauth.introspect(
      { token: basicToken },
      clientAuth.basic(CLIENTS.introspector),
    );
    expect(introspected.body.active).toBe(true);
    expect((await oauth.revoke({ token: rotated.refresh_token! }, web)).status).toBe(200);
    expect(
      (await oauth.revoke({ token: basicToken }, clientAuth.basic(CLIENTS.basic))).status,
    ).toBe(200);

    // A driver's error that quotes what it was given (here a stand-in for the store's): the
    // 500's cause is logged with its stack, and must come out masked.
    jest
      .spyOn(IntrospectTokenUseCase.prototype, 'execute')
      .mockRejectedValueOnce(
        new Error(
          `lookup failed for token=${rotated.access_token} refresh ${second.refresh_token} ` +
            `{"client_secret":"${CLIENTS.introspector.secret}"}`,
        ),
      );
    const failed = await oauth.introspect(
      { token: basicToken },
      clientAuth.basic(CLIENTS.introspector),
    );
    expect(failed.status).toBe(500);

    // Failures: a wrong secret, a wrong password, a bearer token where none is due.
    const wrongSecret = 'not-the-secret-0123456789abcdef';
    keep(wrongSecret);
    const refused = await oauth.token(
      { grant_type: 'client_credentials' },
      clientAuth.basic({ clientId: CLIENTS.basic.clientId, secret: wrongSecret }),
    );
    expect(refused.status).toBe(401);
    const wrongPassword = 'Wrong-Password-0123456789';
    keep(wrongPassword);
    await expect(
      signIn({
        authorizationEndpoint: sut.config.endpoints.authorization,
        clientId: R.web.clientId,
        scope: 'openid',
        redirectUri: R.redirectUri,
        user: { username: USERS.alice.username, password: wrongPassword },
      }),
    ).rejects.toThrow();
    const userinfo = await send(sut.config.endpoints.userinfo, {
      headers: { authorization: `Bearer ${rotated.access_token}x` },
    });
    expect(userinfo.status).toBe(401);
  }, 60_000);

  it('wrote JSON lines with service, version and request ids, none holding a secret', () => {
    expect(captured.length).toBeGreaterThan(20);
    const all = captured.join('');
    expect(secrets.size).toBeGreaterThan(20);
    for (const secret of secrets)
      expect({ secret, found: all.includes(secret) }).toEqual({ secret, found: false });
    for (const line of lines()) expect(line).toMatchObject({ service: 'standalone', version });
    // A line written by the code while a hot route handled the request (the 500's cause, logged
    // by the error renderer) carries that request's id, as the request's own line does.
    const cause = lines().find((l) => l.context === 'OAuthError' && l.level === 'error');
    expect(cause?.req_id).toEqual(expect.any(String));
    const sameRequest = lines().filter((l) => l.req_id === cause!.req_id);
    expect(sameRequest.map((l) => l.msg)).toContain('request completed');
    expect(sameRequest.find((l) => l.msg === 'request completed')).toMatchObject({
      req: { route: '/oauth2/introspect' },
      status: 500,
    });
    // At debug, one line per request: each with the id it was answered with.
    const requests = lines().filter((l) => l.msg === 'request completed');
    expect(requests.length).toBeGreaterThan(15);
    for (const line of requests) expect(line.req_id).toEqual(expect.any(String));
    expect(requests.map((l) => (l.req as { route: string }).route)).toEqual(
      expect.arrayContaining(['/oauth2/token', '/oauth2/introspect', '/oauth2/revoke']),
    );
  });

  it('answers X-Request-Id, keeping a sane one, and logs under it', async () => {
    const res = await send(sut.config.endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'edge-42' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('edge-42');
    const mine = lines().filter((l) => l.req_id === 'edge-42');
    expect(mine).toEqual([expect.objectContaining({ msg: 'request completed', status: 401 })]);
    const generated = await send(`${sut.url}/health/live`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
