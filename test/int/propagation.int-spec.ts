import {
  describePropagation,
  explained,
  orders,
  PROPAGATION_BOUND_MS,
} from '../suites/propagation.suite';
import { redisUrlForDb } from '../support/int-redis';
import { pause, waitFor } from '../support/proc-fixtures';
import { OwnKafka, OwnRedis, startOwnInfra } from '../support/proc-infra';
import {
  closeProbeConnections,
  INVALID_TOKEN_CHALLENGE,
  OrdersAnswer,
  ReplicaWatch,
  untilEveryReplicaAnswers,
} from '../support/prop-probe';
import { PropTopology } from '../support/prop-topology';

/**
 * DESIGN "Revocation that is felt at once", measured where it matters: on API replicas. Three
 * replicas of the demo orders API (each its own process, validating JWTs locally and following
 * the revocation stream) behind the issuance and revocation services. A revocation answered 200
 * must be refused by every replica at once (the suite the ha tier runs too), and a replica that
 * cannot follow Redis must refuse (503, fail-closed) rather than accept, and miss nothing once
 * Redis is back.
 *
 * Client- and subject-wide revocation go through the admin API of the revocation service.
 */
const REPLICAS = 3;
const STALENESS_BUDGET_MS = 2000;
/** Slack on a loaded 2-core machine for a replica to notice it is stale. */
const STALE_SLACK_MS = 2000;
const RECOVERY_DEADLINE_MS = 60_000;
/** The Redis database this suite owns on the int tier's shared Redis. */
const REDIS_DB = 9;

const log = (m: string) => process.stderr.write(`${m}\n`);

const summary = (a: OrdersAnswer) => ({ status: a.status, challenge: a.challenge });

describe('revocation propagation to API replicas', () => {
  afterAll(() => closeProbeConnections());

  // The felt-at-once checks (test/suites/propagation.suite.ts), on the int tier's engines.
  describePropagation('the shared Kafka and Redis', () => ({
    topology: {
      kafkaBrokers: process.env.KAFKA_BROKERS!,
      redis: { url: redisUrlForDb(REDIS_DB) },
      replicas: REPLICAS,
    },
    samples: 1,
  }));

  describe('with Redis restarted (empty) mid-run', () => {
    let kafka: OwnKafka | undefined;
    let redis: OwnRedis | undefined;
    let topology: PropTopology | undefined;
    const metrics: Record<string, number | string> = {};

    beforeAll(async () => {
      ({ kafka, redis } = await startOwnInfra(log));
      topology = await PropTopology.start({
        kafkaBrokers: kafka.brokers,
        redis: { url: redis.url },
        replicas: REPLICAS,
        replicaEnv: {
          REVOCATION_STALENESS_BUDGET_MS: String(STALENESS_BUDGET_MS),
          REVOCATION_FAILURE_POLICY: 'fail-closed',
        },
      });
    }, 240_000);

    afterAll(async () => {
      await topology?.stop();
      await Promise.allSettled([kafka?.stop(), redis?.stop()]);
      log(`propagation.int-spec Redis outage measurements: ${JSON.stringify(metrics)}`);
    }, 60_000);

    it(
      'fails closed while Redis is down, takes a revocation made meanwhile from the log, and misses nothing after',
      explained(
        () => topology,
        async () => {
          const t = topology!;
          const urls = t.replicaUrls;
          const [valid, revokedBefore, revokedDuring] = await Promise.all([
            t.token(),
            t.token(),
            t.token(),
          ]);
          expect((await t.revoke(revokedBefore)).status).toBe(200);
          await untilEveryReplicaAnswers(urls, revokedBefore, 401, performance.now());
          for (const token of [valid, revokedDuring])
            for (const answer of await orders(urls, token)) expect(answer.status).toBe(200);

          const watch = new ReplicaWatch(urls);
          watch.watch('valid', valid);
          watch.watch('revokedBefore', revokedBefore);
          watch.watch('revokedDuring', revokedDuring);
          try {
            // --- Redis goes away -------------------------------------------------------------
            const stopAt = performance.now();
            await redis!.stopServer();
            metrics.redisStopMs = Math.round(performance.now() - stopAt);
            const stale = await untilEveryReplicaAnswers(
              urls,
              valid,
              503,
              stopAt,
              STALENESS_BUDGET_MS + STALE_SLACK_MS,
            );
            metrics.failClosedAfterMs = Math.round(Math.max(...stale.map((s) => s.ms)));
            for (const { answer } of stale) {
              expect(answer.challenge).toMatch(/^Bearer (.*, )?error="temporarily_unavailable"/);
              expect(answer.retryAfter).toMatch(/^\d+$/);
            }

            // A JWT revoked during the outage: acknowledged once it is on the log.
            const revokeAt = performance.now();
            const during = await t.revoke(revokedDuring);
            metrics.revokeDuringOutageAnswerMs = Math.round(performance.now() - revokeAt);
            expect(during.status).toBe(200);
            const revokedDuringAt = performance.now();

            // The outage lasts a while longer: every replica keeps refusing every token.
            await pause(1500);
            for (const token of [valid, revokedDuring, revokedBefore])
              for (const answer of await orders(urls, token)) expect(answer.status).toBe(503);

            // --- Redis comes back, empty ----------------------------------------------------
            const startAt = performance.now();
            await redis!.startServer();
            metrics.redisStartMs = Math.round(performance.now() - startAt);

            // The projector rebuilds the store from the log (marker written once it is done).
            await waitFor(
              'revocation ready (store rebuilt)',
              async () => {
                return (await t.ready(t.revocation)) === 200;
              },
              { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 100 },
            );
            metrics.rebuiltAfterRestartMs = Math.round(performance.now() - startAt);

            // No revocation missed: the one from before (kept in memory) and the one made
            // during the outage (replayed from the log into the new stream).
            const refusals = await untilEveryReplicaAnswers(
              urls,
              revokedDuring,
              401,
              startAt,
              RECOVERY_DEADLINE_MS,
            );
            metrics.revokedDuringRefusedAfterRestartMs = Math.round(
              Math.max(...refusals.map((r) => r.ms)),
            );
            for (const r of refusals) expect(r.answer.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
            for (const answer of await orders(urls, revokedBefore))
              expect(summary(answer)).toEqual({
                status: 401,
                challenge: expect.stringMatching(INVALID_TOKEN_CHALLENGE),
              });

            // The mirror resumed: valid tokens (old and new) are accepted again…
            const fresh = await t.token();
            await untilEveryReplicaAnswers(
              urls,
              fresh,
              200,
              performance.now(),
              RECOVERY_DEADLINE_MS,
            );
            for (const answer of await orders(urls, valid)) expect(answer.status).toBe(200);
            metrics.acceptingAgainAfterRestartMs = Math.round(performance.now() - startAt);
            // …and it follows the new stream: a revocation now is felt at once again.
            expect((await t.revoke(fresh)).status).toBe(200);
            const again = await untilEveryReplicaAnswers(urls, fresh, 401, performance.now());
            metrics.propagationAfterRestartMs = Math.round(Math.max(...again.map((r) => r.ms)));
            expect(metrics.propagationAfterRestartMs).toBeLessThan(PROPAGATION_BOUND_MS);

            await watch.stop();
            // Never 200 for a token whose revocation state could not be checked: from the moment
            // a replica refused for staleness until Redis was back, nothing was accepted.
            for (const s of stale) {
              const replica = urls.indexOf(s.url);
              const accepted = watch
                .of('valid', s.answer.sentAt, startAt)
                .filter((x) => x.replica === replica && x.status === 200);
              expect({ replica, acceptedWhileDown: accepted.length }).toEqual({
                replica,
                acceptedWhileDown: 0,
              });
            }
            // The token revoked before the outage was never accepted again, on any replica.
            expect(watch.of('revokedBefore').filter((x) => x.status === 200)).toEqual([]);
            // The token revoked during the outage: never accepted, neither while Redis was down
            // nor after it came back empty: a replica's mirror confirms itself current only once
            // the projection marker is back, that is once the log has been replayed into the
            // store (and so into the stream the replicas follow).
            const duringSamples = watch.of('revokedDuring', revokedDuringAt);
            expect(duringSamples.filter((x) => x.sentAt < startAt && x.status === 200)).toEqual([]);
            const acceptedAfterRestart = duringSamples.filter((x) => x.status === 200);
            metrics.revokedDuringAcceptedAfterRestart = acceptedAfterRestart.length;
            metrics.revokedDuringSamplesAfterRestart = duringSamples.filter(
              (x) => x.sentAt >= startAt,
            ).length;
            expect(acceptedAfterRestart).toEqual([]);
            metrics.watchSamples = watch.samples.length;
          } finally {
            await watch.stop();
          }
        },
      ),
      240_000,
    );
  });
});
