import { decodeJwt } from 'jose';
import { GrantCreatedV1, LifecycleEvent, tokenKindOf } from '@app/events';
import { SIGN_IN_CLIENTS, USERS } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, send } from '../support/oauth-http';
import { readLifecycleLog } from '../support/proc-event-log';
import { freePorts, ServiceFiles, writeServiceFiles } from '../support/proc-fixtures';
import { ServiceProcess, stopAll, withServiceOutput } from '../support/service-process';
import { redemptionForm, signIn, SignInResult } from '../support/sign-in-driver';

jest.setTimeout(60_000);

/**
 * The sign-in flow in the split topology, every service its own process on the shared Kafka and
 * Redis: two authorization replicas behind one public URL, the reference login app run apart
 * (a client of the login/consent API over HTTP), issuance, and revocation (the projector).
 * DESIGN "Login is delegated": flow state lives in the store, so any replica continues any flow.
 * The authorization request is served by replica A; the login app calls the API on A; every
 * later request to the public authorization URL is routed to replica B, which consumes what A
 * stored; the code B minted is redeemed on issuance. Each step's event is on the log.
 */
describe('sign-in across split services', () => {
  const web = SIGN_IN_CLIENTS.web;
  let files: ServiceFiles | undefined;
  let authorizationA: ServiceProcess | undefined;
  let authorizationB: ServiceProcess | undefined;
  let login: ServiceProcess | undefined;
  let issuance: ServiceProcess | undefined;
  let revocation: ServiceProcess | undefined;
  const all = () => [authorizationA, authorizationB, login, issuance, revocation];
  let oauth: OAuthClient;
  let publicAuthorization: URL;
  let userinfoEndpoint: string;
  const brokers = () => process.env.KAFKA_BROKERS!;

  beforeAll(async () => {
    files = await writeServiceFiles();
    const [a, b, l, i, r] = await freePorts(5);
    const url = (port: number | undefined) => `http://127.0.0.1:${port}`;
    // What every service advertises: the public URLs. The authorization endpoint's is replica A's
    // port; the test's routing plays the load balancer that sends later requests to B.
    const env = {
      ISSUER: url(i),
      CONFIG_FILE: files.configFile,
      KEYS_FILE: files.keysFile,
      KAFKA_BROKERS: brokers(),
      REDIS_URL: process.env.REDIS_URL!,
      TOKEN_ENDPOINT: `${url(i)}/oauth2/token`,
      USERINFO_ENDPOINT: `${url(i)}/oauth2/userinfo`,
      JWKS_URI: `${url(i)}/oauth2/jwks`,
      REVOCATION_ENDPOINT: `${url(r)}/oauth2/revoke`,
      AUTHORIZATION_ENDPOINT: `${url(a)}/oauth2/authorize`,
      PAR_ENDPOINT: `${url(a)}/oauth2/par`,
      END_SESSION_ENDPOINT: `${url(a)}/oauth2/logout`,
      LOGIN_URL: `${url(l)}/login`,
      CONSENT_URL: `${url(l)}/consent`,
      LOG_LEVEL: 'warn',
    };
    const loginEnv = {
      ...env,
      LOGIN_API_URL: url(a),
      LOGIN_CLIENT_ID: SIGN_IN_CLIENTS.loginProvider.clientId,
      LOGIN_CLIENT_SECRET: SIGN_IN_CLIENTS.loginProvider.secret,
    };
    [authorizationA, authorizationB, login, issuance, revocation] = await Promise.all([
      ServiceProcess.prepare({ service: 'authorization', port: a, env, label: 'authorization-A' }),
      ServiceProcess.prepare({ service: 'authorization', port: b, env, label: 'authorization-B' }),
      ServiceProcess.prepare({ service: 'login', port: l, env: loginEnv }),
      ServiceProcess.prepare({ service: 'issuance', port: i, env }),
      ServiceProcess.prepare({ service: 'revocation', port: r, env }),
    ]);
    await Promise.all(all().map((p) => p!.start()));
    oauth = new OAuthClient({
      token: env.TOKEN_ENDPOINT,
      introspection: `${url(i)}/unused`,
      revocation: env.REVOCATION_ENDPOINT,
    });
    publicAuthorization = new URL(env.AUTHORIZATION_ENDPOINT);
    userinfoEndpoint = env.USERINFO_ENDPOINT;
  }, 120_000);

  afterAll(async () => {
    await stopAll(all());
    await files?.remove();
  }, 60_000);

  /** The load balancer: the first request on A, every later one to the public URL on B. */
  const routeContinuationsToB = (url: URL, step: number) =>
    url.host === publicAuthorization.host && step > 0
      ? new URL(url.pathname + url.search, authorizationB!.url)
      : url;

  const signInAlice = () =>
    signIn({
      authorizationEndpoint: publicAuthorization.href,
      clientId: web.clientId,
      redirectUri: web.redirectUri,
      scope: 'openid email',
      user: USERS.alice,
      route: routeContinuationsToB,
    });

  const eventsOf = (events: LifecycleEvent[], type: string, test: (d: never) => boolean) =>
    events.filter((e) => e.type === type && test(e.data as never));

  it(
    'starts on replica A, continues on replica B, and the code redeems on issuance',
    withServiceOutput(all, async () => {
      const flow: SignInResult = await signInAlice();
      expect(flow.pagesShown).toEqual(['login', 'consent']);
      const served = flow.trail.filter((s) => new URL(s.url).host === publicAuthorization.host);
      expect(served[0]!.servedBy.startsWith(authorizationA!.url)).toBe(true);
      expect(served.length).toBeGreaterThanOrEqual(3);
      for (const later of served.slice(1))
        expect(later.servedBy.startsWith(authorizationB!.url)).toBe(true);
      expect(flow.callback.get('state')).toBe(flow.state);
      expect(flow.callback.get('iss')).toBe(issuance!.url);

      const auth = clientAuth.basic({ clientId: web.clientId, secret: web.secret });
      const tokens = await oauth.token(redemptionForm(flow, web.redirectUri), auth);
      expect(tokens.status).toBe(200);
      const idToken = decodeJwt(tokens.body.id_token);
      expect(idToken).toMatchObject({ aud: web.clientId, nonce: flow.nonce, iss: issuance!.url });
      const grantId = decodeJwt(tokens.body.access_token).grant_id as string;
      expect(grantId).toEqual(expect.any(String));

      const userinfo = await send(userinfoEndpoint, {
        headers: { authorization: `Bearer ${tokens.body.access_token}` },
      });
      expect(userinfo.body).toMatchObject({ sub: idToken.sub, email: USERS.alice.email });

      // The log holds each step, written by the process that took it.
      const { events } = await readLifecycleLog(brokers());
      const fromPid = (e: LifecycleEvent, p: ServiceProcess) =>
        p.pids.some((pid) => e.source.endsWith(`-${pid}`));
      const [grant] = eventsOf(
        events,
        'grant.created',
        (d: { grant_id: string }) => d.grant_id === grantId,
      );
      expect(grant?.data).toMatchObject({ client_id: web.clientId });
      expect([...(grant!.data as GrantCreatedV1).scopes].sort()).toEqual(['email', 'openid']);
      expect(fromPid(grant!, authorizationB!)).toBe(true);
      const sid = (grant!.data as GrantCreatedV1).sid;
      const started = eventsOf(events, 'session.started', (d: { sid: string }) => d.sid === sid);
      expect(started).toHaveLength(1);
      expect(fromPid(started[0]!, authorizationB!)).toBe(true);
      const issued = eventsOf(
        events,
        'token.issued',
        (d: { grant_id?: string }) => d.grant_id === grantId,
      );
      expect(
        issued.map((e) => tokenKindOf(e.data as LifecycleEvent<'token.issued'>['data'])).sort(),
      ).toEqual(['access_token', 'id_token']);
      expect(issued.every((e) => fromPid(e, issuance!))).toBe(true);
    }),
  );

  it(
    'a code redeemed twice on issuance is refused and its grant revoked on the log',
    withServiceOutput(all, async () => {
      const flow = await signInAlice();
      const auth = clientAuth.basic({ clientId: web.clientId, secret: web.secret });
      const first = await oauth.token(redemptionForm(flow, web.redirectUri), auth);
      expect(first.status).toBe(200);
      const grantId = decodeJwt(first.body.access_token).grant_id as string;

      const replay = await oauth.token(redemptionForm(flow, web.redirectUri), auth);
      expect(replay.status).toBe(400);
      expect(replay.body.error).toBe('invalid_grant');

      const { events } = await readLifecycleLog(brokers());
      const revoked = eventsOf(
        events,
        'grant.revoked',
        (d: { grant_id: string }) => d.grant_id === grantId,
      );
      expect(revoked.map((e) => (e.data as { reason: string }).reason)).toEqual(['code_replay']);
    }),
  );
});
