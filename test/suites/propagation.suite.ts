import { CLIENTS } from '../fixtures/test-registry';
import {
  getOrders,
  INVALID_TOKEN_CHALLENGE,
  untilEveryReplicaAnswers,
} from '../support/prop-probe';
import { PropTopology, PropTopologyOptions } from '../support/prop-topology';

/**
 * DESIGN "Revocation that is felt at once", measured where it matters: on API replicas. Several
 * replicas of the demo orders API (each its own process, validating JWTs locally and following
 * the revocation stream) behind the issuance and revocation services, on the engines a spec
 * gives: a revocation answered 200 (of one token, of a subject, of a client) must be refused by
 * every replica at once. Run by the int tier on one broker and one Redis, and by the ha tier on
 * three brokers and a Redis Cluster.
 */
export interface PropagationEngines {
  /** Kafka, Redis and environment of the topology (its replica count included). */
  readonly topology: PropTopologyOptions;
  /**
   * Revocations timed one after the other: with more than one the suite also prints the p50 and
   * p99 of the time from a revocation's 200 to the last replica refusing its token.
   */
  readonly samples: number;
}

/** A sanity bound for the propagation time, not a performance claim (bench:propagation). */
export const PROPAGATION_BOUND_MS = 1000;

const log = (m: string) => process.stderr.write(`${m}\n`);

export const orders = (urls: readonly string[], token: string) =>
  Promise.all(urls.map((u) => getOrders(u, token)));

/** On failure, print what every process said. */
export function explained(topology: () => PropTopology | undefined, body: () => Promise<void>) {
  return async () => {
    try {
      await body();
    } catch (e) {
      const out = topology()?.outputs(80) ?? '';
      process.stderr.write(`\n${out}\n`);
      if (e instanceof Error) e.message += `\n\n${out}`;
      throw e;
    }
  };
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function describePropagation(label: string, engines: () => PropagationEngines): void {
  describe(`on ${label}`, () => {
    let topology: PropTopology | undefined;
    let samples = 1;

    beforeAll(async () => {
      const e = engines();
      samples = e.samples;
      topology = await PropTopology.start(e.topology);
    }, 180_000);

    afterAll(() => topology?.stop(), 60_000);

    it(
      'a revocation answered 200 is refused by every replica (401 invalid_token) at once',
      explained(
        () => topology,
        async () => {
          const t = topology!;
          const urls = t.replicaUrls;
          expect(urls.length).toBeGreaterThan(1);
          const bystander = await t.token();
          const lastMs: number[] = [];
          for (let i = 0; i < samples; i++) {
            const token = await t.token();
            for (const answer of await orders(urls, token)) {
              expect(answer.status).toBe(200);
              expect(JSON.parse(answer.body)).toMatchObject({ orders: expect.any(Array) });
            }

            const revoked = await t.revoke(token);
            expect(revoked.status).toBe(200);
            const since = performance.now();
            const refusals = await untilEveryReplicaAnswers(urls, token, 401, since);
            const last = Math.max(...refusals.map((r) => r.ms));
            lastMs.push(last);
            if (samples === 1)
              log(
                `propagation (${label}): revocation 200 → last of ${urls.length} replicas ` +
                  `refusing in ${last.toFixed(1)} ms (per replica: ` +
                  `${refusals.map((r) => `${r.ms.toFixed(1)} ms/${r.polls} polls`).join(', ')})`,
              );
            for (const r of refusals) expect(r.answer.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
            expect(last).toBeLessThan(PROPAGATION_BOUND_MS);
            // It stays refused everywhere.
            for (const answer of await orders(urls, token)) expect(answer.status).toBe(401);
          }
          if (samples > 1)
            log(
              `propagation (${label}): revocation 200 → last of ${urls.length} replicas refusing, ` +
                `over ${samples} revocations: p50 ${percentile(lastMs, 50).toFixed(1)} ms, ` +
                `p99 ${percentile(lastMs, 99).toFixed(1)} ms, max ${Math.max(...lastMs).toFixed(1)} ms`,
            );
          // Nothing else was refused with them.
          for (const answer of await orders(urls, bystander)) expect(answer.status).toBe(200);
        },
      ),
      120_000,
    );

    it(
      'an admin revocation of a subject, then of a client, is refused by every replica at once',
      explained(
        () => topology,
        async () => {
          const t = topology!;
          const urls = t.replicaUrls;
          // A client_credentials token's `sub` is its client id: a subject the mirrors can match.
          const ofSubject = await t.token();
          for (const answer of await orders(urls, ofSubject)) expect(answer.status).toBe(200);
          const bySubject = await t.adminRevoke({ subject: CLIENTS.basic.clientId });
          expect(bySubject.status).toBe(200);
          expect(bySubject.body).toMatchObject({ revoked: 'subject', grant_ids: [] });
          let since = performance.now();
          let refusals = await untilEveryReplicaAnswers(urls, ofSubject, 401, since);
          log(
            `propagation (${label}, subject): ${Math.max(...refusals.map((r) => r.ms)).toFixed(1)} ms`,
          );
          expect(Math.max(...refusals.map((r) => r.ms))).toBeLessThan(PROPAGATION_BOUND_MS);

          // Tokens are compared by `iat` (seconds): the next one is issued in a later second.
          await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
          const ofClient = await t.token();
          for (const answer of await orders(urls, ofClient)) expect(answer.status).toBe(200);
          const byClient = await t.adminRevoke({ client_id: CLIENTS.basic.clientId });
          expect(byClient.status).toBe(200);
          since = performance.now();
          refusals = await untilEveryReplicaAnswers(urls, ofClient, 401, since);
          log(
            `propagation (${label}, client): ${Math.max(...refusals.map((r) => r.ms)).toFixed(1)} ms`,
          );
          expect(Math.max(...refusals.map((r) => r.ms))).toBeLessThan(PROPAGATION_BOUND_MS);
          for (const r of refusals) expect(r.answer.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
        },
      ),
      60_000,
    );
  });
}
