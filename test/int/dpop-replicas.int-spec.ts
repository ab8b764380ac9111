import type Redis from 'ioredis';
import { RedisKeys } from '@app/store';
import { RESOURCES } from '../fixtures/test-registry';
import { dpopKey, DpopKey, dpopProof } from '../support/dpop-proof';
import { openTestRedis, redisUrlForDb } from '../support/int-redis';
import { send } from '../support/oauth-http';
import { DemoApiReplica } from '../support/prop-demo-api';
import { rsMint } from '../support/rs-tokens';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** A database of its own (no other spec selects 13): proof keys are random, nothing is flushed. */
const REDIS_DB = 13;
/** The public URL both replicas serve under, as behind one load balancer. */
const PUBLIC_URL = 'https://orders.replicas.test.example';
const HTU = `${PUBLIC_URL}/orders`;

/** Live is not ready: a replica serves once its revocation mirror is current (/health/ready). */
async function untilReady(replica: DemoApiReplica): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await send(`${replica.url}/health/ready`)).status !== 200) {
    if (Date.now() > deadline) throw new Error(`${replica.label} not ready\n${replica.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * RFC 9449 §11.1 across replicas: two processes of the demo orders API (the resource-server
 * library as an API embeds it), configured only by environment, share the API's Redis. A DPoP
 * proof accepted by one is refused by the other, whichever comes first, and of simultaneous
 * presentations of one proof on both exactly one is accepted.
 */
describe('DPoP proofs across two API replicas sharing their Redis', () => {
  let server: StandaloneServer;
  let replicas: DemoApiReplica[] = [];
  let redis: Redis;
  let key: DpopKey;

  beforeAll(async () => {
    // The platform on the same Redis, as in production: the replicas follow its revocations.
    [server, key] = await Promise.all([
      startStandaloneServer({ REDIS_URL: redisUrlForDb(REDIS_DB) }),
      dpopKey(),
    ]);
    const env = {
      ISSUER: server.url,
      REDIS_URL: redisUrlForDb(REDIS_DB),
      RESOURCE_AUDIENCE: RESOURCES.orders.identifier,
      RESOURCE_PUBLIC_URL: PUBLIC_URL,
    };
    replicas = await Promise.all([
      DemoApiReplica.start('demo-api-a', env),
      DemoApiReplica.start('demo-api-b', env),
    ]);
    redis = await openTestRedis(redisUrlForDb(REDIS_DB), 'dpop-replicas-spec');
    await Promise.all(replicas.map(untilReady));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.quit();
    await server?.close();
  }, 30_000);

  /** On failure, print what both replicas said. */
  const explained = (body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (e) {
      if (e instanceof Error) e.message += `\n\n${replicas.map((r) => r.output(40)).join('\n')}`;
      throw e;
    }
  };

  const present = (replica: DemoApiReplica, token: string, proof: string) =>
    send(`${replica.url}/orders`, { headers: { authorization: `DPoP ${token}`, dpop: proof } });

  it(
    'a proof accepted by one replica is refused by the other, both ways',
    explained(async () => {
      const [a, b] = replicas as [DemoApiReplica, DemoApiReplica];
      const token = await rsMint(server, { cnf: { jkt: key.jkt } });
      for (const [first, second] of [
        [a, b],
        [b, a],
      ] as const) {
        const jti = `replicas-${Math.random()}`;
        const proof = await dpopProof({ key, htm: 'GET', htu: HTU, accessToken: token, jti });
        const accepted = await present(first, token, proof);
        expect(accepted.status).toBe(200);
        const replayed = await present(second, token, proof);
        expect(replayed.status).toBe(401);
        expect(replayed.body).toEqual({
          error: 'invalid_dpop_proof',
          error_description: 'the DPoP proof has already been used',
        });
        expect(replayed.headers.get('www-authenticate')).toContain(
          'DPoP realm="https://orders.test.example", error="invalid_dpop_proof"',
        );
        // Remembered in the API's Redis, for the proof's window only (iat + max age + skew).
        const expiresAt = Number(
          await redis.call('PEXPIRETIME', RedisKeys.dpopProof(key.jkt, jti)),
        );
        expect(expiresAt).toBeGreaterThan(Date.now());
        expect(expiresAt).toBeLessThanOrEqual(Date.now() + (60 + 5) * 1000);
      }
    }),
    30_000,
  );

  it(
    'of 20 simultaneous presentations of one proof on both replicas, exactly one is accepted',
    explained(async () => {
      const token = await rsMint(server, { cnf: { jkt: key.jkt } });
      const proof = await dpopProof({ key, htm: 'GET', htu: HTU, accessToken: token });
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => present(replicas[i % 2]!, token, proof)),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array<number>(19).fill(401)]);
    }),
    30_000,
  );
});
