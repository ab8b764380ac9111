import type Redis from 'ioredis';
import { RedisKeys } from '@app/store';
import {
  ServiceReplica,
  SPLIT_AUTH,
  SPLIT_CLIENTS,
  SplitServices,
} from '../support/in-process-services';
import { openTestRedis } from '../support/int-redis';
import { ClientAuth, clientAuth, HttpResponse } from '../support/oauth-http';

jest.setTimeout(90_000);

/** The database this file owns; each describe flushes it before it starts its replicas. */
const REDIS_DB = 11;
const WINDOW_SECONDS = 60;

/** Two issuance replicas sharing one Redis, with the given failure limits. */
class TwoReplicas {
  services!: SplitServices;
  redis!: Redis;
  a!: ServiceReplica;
  b!: ServiceReplica;

  async start(suite: string, limits: { perClient: number; perAddress: number }): Promise<void> {
    this.services = await SplitServices.create({
      suite,
      redisDb: REDIS_DB,
      env: {
        AUTH_FAILURES_PER_CLIENT: String(limits.perClient),
        AUTH_FAILURES_PER_ADDRESS: String(limits.perAddress),
        AUTH_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      },
    });
    // The suite owns its database: counts left by an earlier run or describe must not leak in.
    this.redis = await openTestRedis(this.services.redisUrl, `int-${suite}-spec`);
    await this.redis.flushdb();
    [this.a, this.b] = (await this.services.startMany('issuance', 2)) as [
      ServiceReplica,
      ServiceReplica,
    ];
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.services?.closeAll(), this.redis?.quit()]);
  }

  token(at: ServiceReplica, auth: ClientAuth): Promise<HttpResponse> {
    return this.services
      .client({ issuance: at, introspection: at, revocation: at })
      .token({ grant_type: 'client_credentials' }, auth);
  }

  /** The failure count under `key`, and that it lives no longer than the window. */
  async expectCount(key: string, count: number): Promise<void> {
    await expect(this.redis.get(key)).resolves.toBe(String(count));
    const ttl = await this.redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);
  }
}

const expectStatus = (res: HttpResponse, status: number) => expect(res.status).toBe(status);
const expectThrottled = (res: HttpResponse) => {
  expectStatus(res, 429);
  expect(res.body.error).toBe('temporarily_unavailable');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
};
const wrongSecret = (c: { clientId: string }) =>
  clientAuth.basic({ clientId: c.clientId, secret: 'not-the-secret-012345' });

/**
 * Failed client authentications are counted in Redis, so a client id that has failed too
 * often on one replica is refused by every replica: spreading guesses over replicas gains an
 * attacker nothing.
 */
describe('auth-failure throttle shared by replicas on Redis', () => {
  const PER_CLIENT = 3;
  const sut = new TwoReplicas();

  beforeAll(() => sut.start('auth-throttle', { perClient: PER_CLIENT, perAddress: 1000 }));
  afterAll(() => sut.close());

  const wrongOwner = wrongSecret(SPLIT_CLIENTS.owner);

  it('refuses a client id on every replica once its failures on any of them reach the limit', async () => {
    expectStatus(await sut.token(sut.a, wrongOwner), 401);
    expectStatus(await sut.token(sut.b, wrongOwner), 401);
    expectStatus(await sut.token(sut.a, wrongOwner), 401);

    // Replica B has seen one failure itself: only the shared count refuses it here.
    const [onA, onB] = await Promise.all([
      sut.token(sut.a, wrongOwner),
      sut.token(sut.b, wrongOwner),
    ]);
    expectThrottled(onA);
    expectThrottled(onB);
    // The count is one key in Redis, keyed by the client id's digest.
    await sut.expectCount(RedisKeys.authFailuresByClient(SPLIT_CLIENTS.owner.clientId), PER_CLIENT);
  });

  it('leaves another client alone on both replicas', async () => {
    expectStatus(await sut.token(sut.a, SPLIT_AUTH.other), 200);
    expectStatus(await sut.token(sut.b, SPLIT_AUTH.other), 200);
  });
});

/**
 * The per-address count bounds a caller that spreads its guesses over many client ids, each far
 * below the per-client limit, and over the replicas: their sum from one address is what counts.
 */
describe('auth-failure throttle per source address, shared by replicas on Redis', () => {
  const PER_ADDRESS = 4;
  const sut = new TwoReplicas();

  beforeAll(() => sut.start('auth-throttle-address', { perClient: 1000, perAddress: PER_ADDRESS }));
  afterAll(() => sut.close());

  it('refuses every client id from the address on both replicas once the failures from it reach the limit', async () => {
    const { owner, other, introspector, web } = SPLIT_CLIENTS;
    // One failure for each of four client ids (one unknown), two on each replica: every
    // per-client count stays at 1 of 1000.
    const spread: [ServiceReplica, ClientAuth][] = [
      [sut.a, wrongSecret(owner)],
      [sut.b, wrongSecret(other)],
      [sut.a, wrongSecret({ clientId: 'no-such-client' })],
      [sut.b, wrongSecret(introspector)],
    ];
    for (const [at, auth] of spread) expectStatus(await sut.token(at, auth), 401);

    // A client id that has not failed anywhere: only the address's shared count refuses it.
    const [onA, onB] = await Promise.all([
      sut.token(sut.a, wrongSecret(web)),
      sut.token(sut.b, wrongSecret(web)),
    ]);
    expectThrottled(onA);
    expectThrottled(onB);
    // Throttled attempts cost no check and are not counted; the count is the address's key.
    // The services listen on 127.0.0.1 and TRUST_PROXY is unset: the TCP peer is the address.
    await sut.expectCount(RedisKeys.authFailuresByAddress('127.0.0.1'), PER_ADDRESS);
    await expect(sut.redis.get(RedisKeys.authFailuresByClient(owner.clientId))).resolves.toBe('1');
    await expect(sut.redis.exists(RedisKeys.authFailuresByClient(web.clientId))).resolves.toBe(0);
  });

  it('still lets a client whose secret each replica recognises without scrypt through', async () => {
    // The split registry's secrets are plain (development): recognised by a digest compare.
    expectStatus(await sut.token(sut.a, SPLIT_AUTH.other), 200);
    expectStatus(await sut.token(sut.b, SPLIT_AUTH.other), 200);
  });
});
