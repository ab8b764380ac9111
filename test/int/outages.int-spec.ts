import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { logOutageBody } from '../suites/log-outage.suite';
import { clientAuth } from '../support/oauth-http';
import {
  expectTemporarilyUnavailable,
  OutageTopology,
  RECOVERY_DEADLINE_MS,
  timed,
} from '../support/outage-topology';
import { groupLag, readLifecycleLog } from '../support/proc-event-log';
import { jtiOf, pause, waitFor } from '../support/proc-fixtures';
import { OwnKafka, OwnRedis, startOwnInfra } from '../support/proc-infra';
import { withServiceOutput } from '../support/service-process';
import { PROJECTOR_GROUP } from '../../apps/revocation/src/projector/event.projector';

/**
 * DESIGN "State" and "Revocation that is felt at once", under outages of the real broker and the
 * real Redis (this suite's own, stopped and restarted on the same port). Every service is its own
 * process, as deployed: issuance, revocation (with the projector), and two introspection
 * replicas, one fail-closed (the default) and one fail-open (test/support/outage-topology.ts).
 * The broker's outage is the body the ha tier runs with two of three brokers lost
 * (test/suites/log-outage.suite.ts).
 */
const owner = clientAuth.basic(CLIENTS.basic);
const introspector = clientAuth.basic(CLIENTS.introspector);
const JWT_RESOURCE = RESOURCES.orders;
const OPAQUE_RESOURCE = RESOURCES.ledger;

describe('outages of the event log and the store', () => {
  let kafka: OwnKafka | undefined;
  let redis: OwnRedis | undefined;
  let topology: OutageTopology | undefined;
  const all = () => topology?.all() ?? [];
  const metrics: Record<string, number | string> = {};

  beforeAll(async () => {
    const t0 = Date.now();
    ({ kafka, redis } = await startOwnInfra((m) => process.stderr.write(`${m}\n`)));
    metrics.infraStartMs = Date.now() - t0;
    const t1 = Date.now();
    topology = await OutageTopology.start({
      kafkaBrokers: kafka.brokers,
      env: { REDIS_URL: redis.url },
    });
    metrics.servicesStartMs = Date.now() - t1;
  }, 240_000);

  afterAll(async () => {
    await topology?.stop();
    await Promise.allSettled([kafka?.stop(), redis?.stop()]);
    process.stderr.write(`outages.int-spec measurements: ${JSON.stringify(metrics)}\n`);
  }, 60_000);

  const ready = (p: Parameters<OutageTopology['ready']>[0]) => topology!.ready(p);

  const tokenRequest = (resource: { identifier: string }) =>
    topology!.oauth.token(
      { grant_type: 'client_credentials', resource: resource.identifier },
      owner,
    );

  const issue = (resource: { identifier: string }) =>
    topology!.oauth.accessToken(owner, { resource: resource.identifier });

  const introspect = (client: 'closed' | 'open', token: string) =>
    (client === 'closed' ? topology!.oauth : topology!.oauthOpen).introspect(
      { token },
      introspector,
    );

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

  describe('Kafka down', () => {
    it(
      'refuses state changes with 503 within the publish timeout, keeps introspecting from Redis, and recovers on its own',
      withServiceOutput(
        all,
        logOutageBody(() => ({
          topology: topology!,
          kafkaBrokers: kafka!.brokers,
          store: redis!.url,
          lose: () => kafka!.stopBroker(),
          restore: () => kafka!.startBroker(),
          metrics,
        })),
      ),
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
        expect((await topology!.oauth.revoke({ token: revokedBefore }, owner)).status).toBe(200);
        expect((await introspect('closed', revokedBefore)).body).toEqual({ active: false });
        expect((await introspect('closed', jwt)).body.active).toBe(true);
        expect((await introspect('open', opaqueBefore)).body.active).toBe(true);

        // Redis holds everything above, also through the projector: nothing is in flight.
        await projectorCaughtUp();

        const stopped = await timed(() => redis!.stopServer());
        metrics.redisStopMs = stopped.ms;

        // Fail-closed: a valid JWT whose revocation state cannot be checked is never active.
        const closed = await Promise.all(
          [jwt, jwt, jwt, revokedBefore, revokedBefore].map((t) =>
            timed(() => introspect('closed', t)),
          ),
        );
        for (const { value: res } of closed) {
          expect(res.body.active).not.toBe(true);
          expectTemporarilyUnavailable(res);
        }
        metrics.redisDownIntrospectAnswerMs = Math.max(...closed.map((c) => c.ms));

        // Fail-open, chosen by the operator on that replica: the signature alone decides.
        const open = await introspect('open', jwt);
        expect({ status: open.status, active: open.body.active }).toEqual({
          status: 200,
          active: true,
        });

        // Opaque tokens live only in Redis: no policy can answer for them.
        expectTemporarilyUnavailable(await introspect('closed', opaqueBefore));
        expectTemporarilyUnavailable(await introspect('open', opaqueBefore));

        // No opaque token is handed out that could not be stored.
        expectTemporarilyUnavailable(await tokenRequest(OPAQUE_RESOURCE));

        // A revocation of a JWT during the outage is acknowledged once it is on the log: the
        // projector applies it when Redis is back (the next test checks it is then felt).
        const during = await topology!.oauth.revoke({ token: toRevokeDuring }, owner);
        revokedDuring = { token: toRevokeDuring, status: during.status };
        expect(during.status).toBe(200);

        for (const p of all())
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
            const res = await introspect('closed', jwt);
            return res.status === 200 && res.body.active === true;
          },
          { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 100 },
        );
        metrics.redisIntrospectRecoveryMs = Date.now() - t0;
        await waitFor(
          'introspection ready',
          async () =>
            (await ready(topology!.introspection)) === 200 &&
            (await ready(topology!.failOpen)) === 200,
          { timeoutMs: RECOVERY_DEADLINE_MS },
        );
        metrics.redisReadyRecoveryMs = Date.now() - t0;

        // A revocation made after recovery is honored by both replicas.
        const revoke = await topology!.oauth.revoke({ token: jwt }, owner);
        expect(revoke.status).toBe(200);
        expect((await introspect('closed', jwt)).body).toEqual({ active: false });
        expect((await introspect('open', jwt)).body).toEqual({ active: false });
        expect(await ready(topology!.revocation)).toBe(200);
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
          const res = await introspect('closed', token);
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
