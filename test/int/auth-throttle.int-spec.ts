import type Redis from 'ioredis';
import { RedisKeys } from '@app/store';
import {
  ServiceReplica,
  SPLIT_AUTH,
  SPLIT_CLIENTS,
  SplitServices,
} from '../support/in-process-services';
import { openTestRedis } from '../support/int-redis';
import { clientAuth, HttpResponse } from '../support/oauth-http';

jest.setTimeout(90_000);

const PER_CLIENT = 3;

/**
 * Failed client authentications are counted in Redis, so a client id that has failed too
 * often on one replica is refused by every replica: spreading guesses over replicas gains an
 * attacker nothing.
 */
describe('auth-failure throttle shared by replicas on Redis', () => {
  let services: SplitServices;
  let redis: Redis;
  let replicaA: ServiceReplica;
  let replicaB: ServiceReplica;

  beforeAll(async () => {
    services = await SplitServices.create({
      suite: 'auth-throttle',
      redisDb: 11,
      env: {
        AUTH_FAILURES_PER_CLIENT: String(PER_CLIENT),
        AUTH_FAILURES_PER_ADDRESS: '1000',
        AUTH_FAILURE_WINDOW_SECONDS: '60',
      },
    });
    // The suite owns its database: counts left by an earlier run must not leak in.
    redis = await openTestRedis(services.redisUrl, 'int-auth-throttle-spec');
    await redis.flushdb();
    [replicaA, replicaB] = (await services.startMany('issuance', 2)) as [
      ServiceReplica,
      ServiceReplica,
    ];
  });

  afterAll(async () => {
    await Promise.allSettled([services?.closeAll(), redis?.quit()]);
  });

  const token = (at: ServiceReplica, auth = SPLIT_AUTH.owner) =>
    services
      .client({ issuance: at, introspection: at, revocation: at })
      .token({ grant_type: 'client_credentials' }, auth);
  const wrongOwner = clientAuth.basic({ ...SPLIT_CLIENTS.owner, secret: 'not-the-secret-012345' });
  const expectStatus = (res: HttpResponse, status: number) => expect(res.status).toBe(status);

  it('refuses a client id on every replica once its failures on any of them reach the limit', async () => {
    expectStatus(await token(replicaA, wrongOwner), 401);
    expectStatus(await token(replicaB, wrongOwner), 401);
    expectStatus(await token(replicaA, wrongOwner), 401);

    // Replica B has seen one failure itself: only the shared count refuses it here.
    const [onA, onB] = await Promise.all([
      token(replicaA, wrongOwner),
      token(replicaB, wrongOwner),
    ]);
    for (const res of [onA, onB]) {
      expectStatus(res, 429);
      expect(res.body.error).toBe('temporarily_unavailable');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The count is one key in Redis, keyed by the client id's digest.
    const key = RedisKeys.authFailuresByClient(SPLIT_CLIENTS.owner.clientId);
    await expect(redis.get(key)).resolves.toBe(String(PER_CLIENT));
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('leaves another client alone on both replicas', async () => {
    expectStatus(await token(replicaA, SPLIT_AUTH.other), 200);
    expectStatus(await token(replicaB, SPLIT_AUTH.other), 200);
  });
});
