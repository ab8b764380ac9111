import { openRedis, RedisAuthorizationCodeStore, RedisGrantStore } from '@app/store';
import { CLIENTS, REFRESH_CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { PROJECTOR_GROUP } from '../../apps/revocation/src/projector/event.projector';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, HttpResponse, send } from '../support/oauth-http';
import { groupLag, readLifecycleLog } from '../support/proc-event-log';
import {
  freePorts,
  jtiOf,
  pause,
  ServiceFiles,
  waitFor,
  writeServiceFiles,
} from '../support/proc-fixtures';
import { OwnKafka, OwnRedis, startOwnInfra } from '../support/proc-infra';
import {
  ServiceName,
  ServiceProcess,
  stopAll,
  withServiceOutput,
} from '../support/service-process';
import { seedSignInStores } from '../support/sign-in-seed';

/**
 * DESIGN "State" and "Revocation that is felt at once", under outages of the real broker and the
 * real Redis (this suite's own, stopped and restarted on the same port). Every service is its own
 * process, as deployed: issuance, revocation (with the projector), and two introspection
 * replicas, one fail-closed (the default) and one fail-open.
 */
const PUBLISH_TIMEOUT_MS = 1500;
/** Slack for a loaded 2-core machine on top of the publish timeout. */
const ANSWER_SLACK_MS = 1500;
const RECOVERY_DEADLINE_MS = 60_000;

const owner = clientAuth.basic(CLIENTS.basic);
const introspector = clientAuth.basic(CLIENTS.introspector);
const refreshClient = clientAuth.basic(REFRESH_CLIENTS.web);
const JWT_RESOURCE = RESOURCES.orders;
const OPAQUE_RESOURCE = RESOURCES.ledger;

describe('outages of the event log and the store', () => {
  let kafka: OwnKafka | undefined;
  let redis: OwnRedis | undefined;
  let files: ServiceFiles | undefined;
  let issuance: ServiceProcess;
  let revocation: ServiceProcess;
  let introspection: ServiceProcess;
  let failOpen: ServiceProcess;
  const all = () => [issuance, revocation, introspection, failOpen];
  /** token → issuance, introspection → the fail-closed replica, revocation → revocation. */
  let oauth: OAuthClient;
  /** The same, but introspecting on the fail-open replica. */
  let oauthOpen: OAuthClient;
  const metrics: Record<string, number | string> = {};

  beforeAll(async () => {
    const t0 = Date.now();
    [{ kafka, redis }, files] = await Promise.all([
      startOwnInfra((m) => process.stderr.write(`${m}\n`)),
      writeServiceFiles(),
    ]);
    metrics.infraStartMs = Date.now() - t0;
    const [issuancePort, revocationPort, introspectionPort, failOpenPort] = await freePorts(4);
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const env = {
      ISSUER: url(issuancePort!),
      CONFIG_FILE: files.configFile,
      KEYS_FILE: files.keysFile,
      KAFKA_BROKERS: kafka!.brokers,
      REDIS_URL: redis!.url,
      EVENT_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
      TOKEN_ENDPOINT: `${url(issuancePort!)}/oauth2/token`,
      JWKS_URI: `${url(issuancePort!)}/oauth2/jwks`,
      INTROSPECTION_ENDPOINT: `${url(introspectionPort!)}/oauth2/introspect`,
      REVOCATION_ENDPOINT: `${url(revocationPort!)}/oauth2/revoke`,
      LOG_LEVEL: 'warn',
    };
    const prepare = (
      service: ServiceName,
      label: string,
      port: number,
      extra: Record<string, string> = {},
    ) => ServiceProcess.prepare({ service, label, port, env: { ...env, ...extra } });
    // Handles first, so that afterAll stops whatever did start if one of them fails.
    [issuance, revocation, introspection, failOpen] = await Promise.all([
      prepare('issuance', 'issuance', issuancePort!),
      prepare('revocation', 'revocation', revocationPort!, { PROJECTOR: 'true' }),
      prepare('introspection', 'introspection-fail-closed', introspectionPort!),
      prepare('introspection', 'introspection-fail-open', failOpenPort!, {
        REVOCATION_FAILURE_POLICY: 'fail-open',
      }),
    ]);
    const t1 = Date.now();
    await Promise.all(all().map((p) => p.start()));
    metrics.servicesStartMs = Date.now() - t1;
    oauth = new OAuthClient({
      token: `${issuance.url}/oauth2/token`,
      introspection: `${introspection.url}/oauth2/introspect`,
      revocation: `${revocation.url}/oauth2/revoke`,
    });
    oauthOpen = new OAuthClient({
      token: `${issuance.url}/oauth2/token`,
      introspection: `${failOpen.url}/oauth2/introspect`,
      revocation: `${revocation.url}/oauth2/revoke`,
    });
    await waitFor('every service ready', async () => {
      const states = await Promise.all(all().map(ready));
      return states.every((s) => s === 200);
    });
  }, 240_000);

  afterAll(async () => {
    await stopAll(all());
    await Promise.allSettled([kafka?.stop(), redis?.stop(), files?.remove()]);
    process.stderr.write(`outages.int-spec measurements: ${JSON.stringify(metrics)}\n`);
  }, 60_000);

  const ready = async (p: ServiceProcess): Promise<number> =>
    (await send(`${p.url}/health/ready`, { signal: AbortSignal.timeout(5000) })).status;

  const tokenRequest = (resource: { identifier: string }) =>
    oauth.token({ grant_type: 'client_credentials', resource: resource.identifier }, owner);

  const issue = (resource: { identifier: string }) =>
    oauth.accessToken(owner, { resource: resource.identifier });

  const introspect = (client: OAuthClient, token: string) =>
    client.introspect({ token }, introspector);

  /** A grant of the client without reuse grace, and its first refresh token (the code grant). */
  const refreshGrant = async (): Promise<{ grantId: string; token: string }> => {
    const conn = await openRedis(redis!.url, 'outages-spec-seed');
    try {
      const seeded = await seedSignInStores(
        { grants: new RedisGrantStore(conn), codes: new RedisAuthorizationCodeStore(conn) },
        {
          clientId: REFRESH_CLIENTS.web.clientId,
          redirectUri: REFRESH_CLIENTS.redirectUri,
          grant: { scopes: ['orders:read'], resources: [JWT_RESOURCE.identifier] },
        },
      );
      const res = await oauth.token(
        {
          grant_type: 'authorization_code',
          code: seeded.code,
          redirect_uri: REFRESH_CLIENTS.redirectUri,
          code_verifier: seeded.verifier,
        },
        refreshClient,
      );
      expect(res.status).toBe(200);
      return { grantId: seeded.grant.grantId, token: res.body.refresh_token as string };
    } finally {
      await conn.quit();
    }
  };
  const refresh = (token: string) =>
    oauth.token({ grant_type: 'refresh_token', refresh_token: token }, refreshClient);

  /** The projector (in the revocation process) has applied every event on the log. */
  const projectorCaughtUp = () =>
    waitFor(
      'the projector to catch up with the log',
      async () => {
        const lag = await groupLag(kafka!.brokers, PROJECTOR_GROUP);
        return lag === 0 || undefined;
      },
      { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 250 },
    );

  const timed = async <T>(action: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const t0 = Date.now();
    const value = await action();
    return { value, ms: Date.now() - t0 };
  };

  /** RFC 6749 §5.2 + RFC 9110 §10.2.3: a retryable refusal that says when to come back. */
  const expectTemporarilyUnavailable = (res: HttpResponse) => {
    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 503,
      error: 'temporarily_unavailable',
    });
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).not.toHaveProperty('access_token');
  };

  describe('Kafka down', () => {
    it(
      'refuses state changes with 503 within the publish timeout, keeps introspecting from Redis, and recovers on its own',
      withServiceOutput(all, async () => {
        const [jwt, opaque, toRevoke, refreshed] = await Promise.all([
          issue(JWT_RESOURCE),
          issue(OPAQUE_RESOURCE),
          issue(JWT_RESOURCE),
          refreshGrant(),
        ]);
        expect((await introspect(oauth, jwt)).body.active).toBe(true);
        expect((await introspect(oauth, opaque)).body.active).toBe(true);

        const stopped = await timed(() => kafka!.stopBroker());
        metrics.kafkaStopMs = stopped.ms;

        // Issuance: both formats refused, no token, an answer within the publish timeout.
        const refusals = await Promise.all(
          [JWT_RESOURCE, OPAQUE_RESOURCE, JWT_RESOURCE, OPAQUE_RESOURCE].map((r) =>
            timed(() => tokenRequest(r)),
          ),
        );
        for (const { value: res, ms } of refusals) {
          expectTemporarilyUnavailable(res);
          expect(ms).toBeLessThan(PUBLISH_TIMEOUT_MS + ANSWER_SLACK_MS);
        }
        metrics.kafkaDownTokenAnswerMs = Math.max(...refusals.map((r) => r.ms));

        // Revocation: nothing is acknowledged that is not on the log.
        const revoked = await timed(() => oauth.revoke({ token: toRevoke }, owner));
        expectTemporarilyUnavailable(revoked.value);
        expect(revoked.ms).toBeLessThan(PUBLISH_TIMEOUT_MS + ANSWER_SLACK_MS);
        metrics.kafkaDownRevokeAnswerMs = revoked.ms;

        // A refresh whose rotation was made in the store but whose event the log never
        // acknowledged: 503, and the rotation undone (RFC 9700 §4.14.2), checked after recovery.
        const refused = await timed(() => refresh(refreshed.token));
        expectTemporarilyUnavailable(refused.value);
        expect(refused.ms).toBeLessThan(PUBLISH_TIMEOUT_MS + ANSWER_SLACK_MS);
        metrics.kafkaDownRefreshAnswerMs = refused.ms;

        // Introspection reads only Redis: existing tokens of both formats still answer.
        for (const token of [jwt, opaque, toRevoke]) {
          const res = await introspect(oauth, token);
          expect({ status: res.status, active: res.body.active }).toEqual({
            status: 200,
            active: true,
          });
        }

        // Readiness: the services that write to the log are not ready.
        expect(await ready(issuance)).toBe(503);
        expect(await ready(revocation)).toBe(503);
        metrics.kafkaDownIntrospectionReady = await ready(introspection);

        const restarted = await timed(() => kafka!.startBroker());
        metrics.kafkaStartMs = restarted.ms;

        // Recovery on their own: no restart of any service.
        const t0 = Date.now();
        await waitFor(
          'a JWT to be issued after the broker came back',
          async () => (await tokenRequest(JWT_RESOURCE)).status === 200,
          { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 250 },
        );
        metrics.kafkaTokenRecoveryMs = Date.now() - t0;
        const opaqueAfter = await issue(OPAQUE_RESOURCE);
        expect((await introspect(oauth, opaqueAfter)).body.active).toBe(true);
        await waitFor('issuance ready', async () => (await ready(issuance)) === 200, {
          timeoutMs: RECOVERY_DEADLINE_MS,
          intervalMs: 250,
        });
        metrics.kafkaReadyRecoveryMs = Date.now() - t0;
        expect(await ready(issuance)).toBe(200);

        // The refused revocation can be made now, and it is felt.
        await waitFor(
          'a revocation to be acknowledged after the broker came back',
          async () => (await oauth.revoke({ token: toRevoke }, owner)).status === 200,
          { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 250 },
        );
        metrics.kafkaRevokeRecoveryMs = Date.now() - t0;
        expect((await introspect(oauth, toRevoke)).body).toEqual({ active: false });
        await waitFor('revocation ready', async () => (await ready(revocation)) === 200, {
          timeoutMs: RECOVERY_DEADLINE_MS,
        });
        await projectorCaughtUp();
        metrics.kafkaProjectorCatchUpMs = Date.now() - t0;

        // The client's retry with the same refresh token, once the projector applied whatever the
        // broker took during the outage: an exchange, not a reuse; the grant lives on.
        const retried = await refresh(refreshed.token);
        expect({ status: retried.status, error: retried.body.error }).toEqual({
          status: 200,
          error: undefined,
        });
        expect((await refresh(retried.body.refresh_token as string)).status).toBe(200);
        const log = await readLifecycleLog(kafka!.brokers);
        const revokedGrants = log.events.filter(
          (e) =>
            e.type === 'grant.revoked' &&
            (e.data as { grant_id?: string }).grant_id === refreshed.grantId,
        );
        expect(revokedGrants).toEqual([]);
      }),
      240_000,
    );
  });

  describe('Redis down', () => {
    // Made before the outage, checked after Redis came back empty (second test).
    let revokedBefore: string;
    let opaqueBefore: string;
    let revokedDuring: { token: string; status: number } | undefined;

    it(
      'fails closed (fail-open only where configured), refuses opaque tokens, and recovers on its own',
      withServiceOutput(all, async () => {
        let jwt: string;
        [jwt, revokedBefore, opaqueBefore] = await Promise.all([
          issue(JWT_RESOURCE),
          issue(JWT_RESOURCE),
          issue(OPAQUE_RESOURCE),
        ]);
        const toRevokeDuring = await issue(JWT_RESOURCE);
        expect((await oauth.revoke({ token: revokedBefore }, owner)).status).toBe(200);
        expect((await introspect(oauth, revokedBefore)).body).toEqual({ active: false });
        expect((await introspect(oauth, jwt)).body.active).toBe(true);
        expect((await introspect(oauthOpen, opaqueBefore)).body.active).toBe(true);

        // Redis holds everything above, also through the projector: nothing is in flight.
        await projectorCaughtUp();

        const stopped = await timed(() => redis!.stopServer());
        metrics.redisStopMs = stopped.ms;

        // Fail-closed: a valid JWT whose revocation state cannot be checked is never active.
        const closed = await Promise.all(
          [jwt, jwt, jwt, revokedBefore, revokedBefore].map((t) =>
            timed(() => introspect(oauth, t)),
          ),
        );
        for (const { value: res } of closed) {
          expect(res.body.active).not.toBe(true);
          expectTemporarilyUnavailable(res);
        }
        metrics.redisDownIntrospectAnswerMs = Math.max(...closed.map((c) => c.ms));

        // Fail-open, chosen by the operator on that replica: the signature alone decides.
        const open = await introspect(oauthOpen, jwt);
        expect({ status: open.status, active: open.body.active }).toEqual({
          status: 200,
          active: true,
        });

        // Opaque tokens live only in Redis: no policy can answer for them.
        expectTemporarilyUnavailable(await introspect(oauth, opaqueBefore));
        expectTemporarilyUnavailable(await introspect(oauthOpen, opaqueBefore));

        // No opaque token is handed out that could not be stored.
        expectTemporarilyUnavailable(await tokenRequest(OPAQUE_RESOURCE));

        // A revocation of a JWT during the outage is acknowledged once it is on the log: the
        // projector applies it when Redis is back (the next test checks it is then felt).
        const during = await oauth.revoke({ token: toRevokeDuring }, owner);
        revokedDuring = { token: toRevokeDuring, status: during.status };
        expect(during.status).toBe(200);

        for (const p of [introspection, failOpen, issuance, revocation])
          expect({ service: p.label, ready: await ready(p) }).toEqual({
            service: p.label,
            ready: 503,
          });

        const restarted = await timed(() => redis!.startServer());
        metrics.redisStartMs = restarted.ms;

        // Recovery on their own (ioredis reconnects): the JWT is checked and active again.
        const t0 = Date.now();
        await waitFor(
          'JWT introspection to answer again after Redis came back',
          async () => {
            const res = await introspect(oauth, jwt);
            return res.status === 200 && res.body.active === true;
          },
          { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 100 },
        );
        metrics.redisIntrospectRecoveryMs = Date.now() - t0;
        await waitFor(
          'introspection ready',
          async () => (await ready(introspection)) === 200 && (await ready(failOpen)) === 200,
          { timeoutMs: RECOVERY_DEADLINE_MS },
        );
        metrics.redisReadyRecoveryMs = Date.now() - t0;

        // A revocation made after recovery is honored by both replicas.
        const revoke = await oauth.revoke({ token: jwt }, owner);
        expect(revoke.status).toBe(200);
        expect((await introspect(oauth, jwt)).body).toEqual({ active: false });
        expect((await introspect(oauthOpen, jwt)).body).toEqual({ active: false });
        expect(await ready(revocation)).toBe(200);
      }),
      240_000,
    );

    /**
     * DESIGN "State": Redis is derived, "a lost Redis is rebuilt by replaying the log". Redis came
     * back EMPTY above; the revocation made before the outage and the opaque token issued before
     * it are on the log, so once the projector has rebuilt the store they must read as before.
     * The revocation acknowledged during the outage is on the log and must read as revoked.
     */
    it(
      'rebuilds the state from before the outage from the log (revocations stay revoked)',
      withServiceOutput(all, async () => {
        expect(revokedBefore).toBeDefined();
        const log = await readLifecycleLog(kafka!.brokers);
        const duringJti = jtiOf(revokedDuring!.token);
        const duringLogged = log.events.some(
          (e) => e.type === 'token.revoked' && (e.data as { jti?: string }).jti === duringJti,
        );
        metrics.revocationDuringRedisOutageLogged = String(duringLogged);
        expect(duringLogged).toBe(true);
        const expected = {
          'JWT revoked before the outage': 'inactive',
          'opaque token issued before the outage': 'active',
          'JWT revoked during the outage': 'inactive',
        };
        const stateOf = async (token: string) => {
          const res = await introspect(oauth, token);
          if (res.status !== 200) return `${res.status} ${res.body.error}`;
          return res.body.active === true ? 'active' : 'inactive';
        };
        const observe = async () => {
          const [a, b, c] = await Promise.all(
            [revokedBefore, opaqueBefore, revokedDuring!.token].map(stateOf),
          );
          return Object.fromEntries(Object.keys(expected).map((k, i) => [k, [a, b, c][i]]));
        };
        const t0 = Date.now();
        let observed = await observe();
        while (JSON.stringify(observed) !== JSON.stringify(expected) && Date.now() - t0 < 30_000) {
          await pause(250);
          observed = await observe();
        }
        metrics.rebuildWaitedMs = Date.now() - t0;
        expect(observed).toEqual(expected);
      }),
      60_000,
    );
  });
});
