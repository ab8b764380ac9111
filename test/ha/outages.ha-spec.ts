import { loadRedisEndpoint } from '@app/config';
import { RedisKeys } from '@app/store';
import { PROJECTOR_GROUP } from '../../apps/revocation/src/projector/event.projector';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { logOutageBody } from '../suites/log-outage.suite';
import { OwnKafkaCluster, startOwnKafkaCluster } from '../support/ha-kafka';
import { NODE_TIMEOUT_MS, OwnRedisCluster, startOwnRedisCluster } from '../support/ha-redis';
import { eventually } from '../support/int-eventually';
import { clientAuth, HttpResponse } from '../support/oauth-http';
import { OutageTopology, RECOVERY_DEADLINE_MS } from '../support/outage-topology';
import { groupLag } from '../support/proc-event-log';
import { unreadyWindows, ReadinessWatch } from '../support/readiness-watch';
import { withServiceOutput } from '../support/service-process';

/**
 * The outage spec of the int tier on the clustered engines of its own (which it takes apart):
 * the same four service processes (issuance, revocation with the projector, a fail-closed and a
 * fail-open introspection replica) on three brokers (RF 3, min.insync.replicas=2) and a Redis
 * Cluster of three primaries with one replica each. What makes an outage differs there:
 * - the log is down once two of the three brokers are lost (one in-sync replica left, fewer than
 *   min.insync.replicas): the int tier's broker-outage body, unchanged;
 * - the store is not down when a primary is lost: its replica is promoted, and the services are
 *   unready at most for that failover, answer nothing wrong meanwhile (a revoked token is never
 *   active, a valid one never inactive) and lose nothing (a revocation made during the failover
 *   is in effect afterwards).
 */
const owner = clientAuth.basic(CLIENTS.basic);
const introspector = clientAuth.basic(CLIENTS.introspector);
const JWT_RESOURCE = RESOURCES.orders;
const OPAQUE_RESOURCE = RESOURCES.ledger;
const POLL_MS = 100;
/** A readiness probe sees a failover end only on its next poll (and the store check's cache). */
const READINESS_SLACK_MS = 3_000;

const log = (m: string) => process.stderr.write(`${m}\n`);

describe('outages of the clustered event log and store', () => {
  let kafka: OwnKafkaCluster | undefined;
  let redis: OwnRedisCluster | undefined;
  let topology: OutageTopology | undefined;
  const all = () => topology?.all() ?? [];
  const metrics: Record<string, number | string> = {};

  beforeAll(async () => {
    const t0 = Date.now();
    [kafka, redis] = await Promise.all([startOwnKafkaCluster(log), startOwnRedisCluster(log)]);
    metrics.infraStartMs = Date.now() - t0;
    const t1 = Date.now();
    topology = await OutageTopology.start({
      kafkaBrokers: kafka.brokers,
      env: { REDIS_CLUSTER_NODES: redis.nodes, KAFKA_REPLICATION_FACTOR: '3' },
    });
    metrics.servicesStartMs = Date.now() - t1;
  }, 240_000);

  afterAll(async () => {
    await topology?.stop();
    await Promise.allSettled([kafka?.stop(), redis?.stop()]);
    log(`outages.ha-spec measurements: ${JSON.stringify(metrics)}`);
  }, 60_000);

  describe('two of three brokers lost', () => {
    it(
      'refuses state changes with 503 within the publish timeout, keeps introspecting from Redis, and recovers on its own',
      withServiceOutput(
        all,
        logOutageBody(() => {
          const [first, second] = kafka!.nodes;
          return {
            topology: topology!,
            kafkaBrokers: kafka!.brokers,
            store: loadRedisEndpoint({ REDIS_CLUSTER_NODES: redis!.nodes }).redisCluster!,
            lose: async () => void (await Promise.all([first!.kill(), second!.kill()])),
            restore: async () => void (await Promise.all([first!.start(), second!.start()])),
            metrics,
          };
        }),
      ),
      240_000,
    );
  });

  describe("the revocation stream's Redis primary lost", () => {
    // Whatever the log outage above left behind: every broker up, every service ready.
    beforeAll(async () => {
      await Promise.all(kafka!.nodes.map((n) => n.start()));
      await eventually(
        'every service ready',
        async () =>
          (await Promise.all(all().map((p) => topology!.ready(p)))).every((s) => s === 200),
        Boolean,
        { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 250 },
      );
    }, RECOVERY_DEADLINE_MS + 60_000);

    it(
      'answers nothing wrong during the failover, is unready at most for it, and loses no revocation',
      withServiceOutput(all, async () => {
        const t = topology!;
        const issue = (resource: { identifier: string }) =>
          t.oauth.accessToken(owner, { resource: resource.identifier });
        const [jwt, opaque, revokedBefore, toRevokeDuring] = await Promise.all([
          issue(JWT_RESOURCE),
          issue(OPAQUE_RESOURCE),
          issue(JWT_RESOURCE),
          issue(JWT_RESOURCE),
        ]);
        expect((await t.oauth.revoke({ token: revokedBefore }, owner)).status).toBe(200);
        await eventually(
          'the projector to catch up with the log',
          () => groupLag(kafka!.brokers, PROJECTOR_GROUP),
          (lag) => lag === 0,
          { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 250 },
        );

        // What each replica says about each token, all through the failover.
        const expected = { jwt: true, opaque: true, revokedBefore: false } as const;
        const seen: {
          token: keyof typeof expected;
          via: string;
          sentAt: number;
          answeredAt: number;
          res: HttpResponse;
        }[] = [];
        let watching = true;
        // One loop per token and replica: an answer held up by the lost primary does not hold
        // up the others.
        const answers = Promise.all(
          Object.entries({ jwt, opaque, revokedBefore }).flatMap(([name, token]) =>
            (
              [
                ['fail-closed', t.oauth],
                ['fail-open', t.oauthOpen],
              ] as const
            ).map(async ([via, client]) => {
              while (watching) {
                const sentAt = Date.now();
                const res = await client.introspect({ token }, introspector);
                const answeredAt = Date.now();
                seen.push({ token: name as keyof typeof expected, via, sentAt, answeredAt, res });
                await new Promise((r) => setTimeout(r, POLL_MS));
              }
            }),
          ),
        );
        const watch = ReadinessWatch.start(
          Object.fromEntries(t.all().map((p) => [p.label, `${p.url}/health/ready`])),
          POLL_MS,
        );

        const victim = (await redis!.primaryOf(RedisKeys.revocationStream()))!;
        // A request in flight when the kill is sent may already meet the dead primary.
        const killSentAt = Date.now();
        await victim.kill();
        const killedAt = Date.now();
        // A revocation during the failover: acknowledged once on the log (the projector applies
        // it when the slot has a primary again), or refused; never lost once acknowledged.
        const during = await t.oauth.revoke({ token: toRevokeDuring }, owner);
        expect([200, 503]).toContain(during.status);
        const promotedMs = await eventually(
          "the stream slot's replica promoted",
          async () => {
            const now = await redis!.primaryOf(RedisKeys.revocationStream());
            return now && now.port !== victim.port ? Date.now() - killedAt : undefined;
          },
          (ms) => ms !== undefined,
          { timeoutMs: 10 * NODE_TIMEOUT_MS, intervalMs: 50 },
        );
        await eventually(
          'every service ready again',
          async () => (await Promise.all(t.all().map((p) => t.ready(p)))).every((s) => s === 200),
          Boolean,
          { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: POLL_MS },
        );
        const readyAgainMs = Date.now() - killedAt;
        const windows = unreadyWindows(watch.stop(), killedAt);
        watching = false;
        await answers;

        if (during.status !== 200)
          expect((await t.oauth.revoke({ token: toRevokeDuring }, owner)).status).toBe(200);
        // In effect at both replicas once the projector applied it on the promoted primary.
        for (const client of [t.oauth, t.oauthOpen])
          await eventually(
            'the revocation made during the failover in effect',
            async () => (await client.introspect({ token: toRevokeDuring }, introspector)).body,
            (body) => body.active === false,
            { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 200 },
          );

        metrics.redisPromotedAfterMs = promotedMs!;
        metrics.redisReadyAgainAfterMs = readyAgainMs;
        metrics.redisRevokeDuringFailover = during.status;
        metrics.redisUnready = JSON.stringify(windows);
        metrics.redisAnswersWatched = seen.length;
        metrics.redisAnswers503 = seen.filter((s) => s.res.status === 503).length;
        // Fail-open, chosen by the operator on that replica: while the revocation state cannot be
        // checked the signature alone decides, so the revoked JWT may pass there, but only
        // during the failover.
        const failOpenGuess = (s: (typeof seen)[number]) =>
          s.via === 'fail-open' &&
          s.token === 'revokedBefore' &&
          s.res.status === 200 &&
          s.res.body.active === true &&
          s.answeredAt >= killSentAt &&
          s.sentAt < killedAt + readyAgainMs;
        metrics.redisFailOpenAcceptedRevoked = seen.filter(failOpenGuess).length;
        // Nothing else wrong was said: a revoked token never active, a valid one never inactive;
        // an answer that could not be given is 503 temporarily_unavailable, never a 500.
        const wrong = seen
          .filter(
            (s) =>
              !(s.res.status === 200 && s.res.body.active === expected[s.token]) &&
              !(s.res.status === 503 && s.res.body.error === 'temporarily_unavailable') &&
              !failOpenGuess(s),
          )
          .map((s) => ({
            token: s.token,
            via: s.via,
            sentAfterKillMs: s.sentAt - killSentAt,
            answeredAfterKillMs: s.answeredAt - killSentAt,
            readyAgainAfterMs: readyAgainMs,
            status: s.res.status,
            body: s.res.body,
          }));
        expect(wrong).toEqual([]);
        // Unready at most for the failover (plus a probe's lag).
        for (const w of Object.values(windows))
          expect(w.endedAfterFaultMs).toBeLessThanOrEqual(promotedMs! + READINESS_SLACK_MS);

        // The lost node rejoins (empty) as the promoted primary's replica.
        await victim.start();
        await redis!.waitUntilOk();
      }),
      240_000,
    );
  });
});
