import Redis from 'ioredis';
import { decodeJwt } from 'jose';
import { openRedis, RedisProjectionMarker } from '@app/store';
import { DpopKey, dpopKey, dpopProof } from '../support/dpop-proof';
import { ServiceReplica, SPLIT_AUTH, SplitServices } from '../support/in-process-services';
import { ClientAuth, HttpResponse } from '../support/oauth-http';

jest.setTimeout(90_000);

/** This suite's own Redis database (it owns it: nothing else of the int tier uses it). */
const REDIS_DB = 2;
const PRESENTATIONS = 12;

async function untilMarked(redis: Redis, withinMs: number): Promise<void> {
  const marker = new RedisProjectionMarker(redis);
  const until = Date.now() + withinMs;
  while (!(await marker.present())) {
    if (Date.now() > until) throw new Error('the projector did not mark the store');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * RFC 9449 §11.1 at the token endpoint across replicas: two issuance replicas that share only
 * Kafka and Redis accept a DPoP proof once between them, its `jti` claimed through the Redis
 * ReplayStore. Both check `htu` against the configured public token URL, whichever port the
 * request reached.
 */
describe('DPoP proof replay across issuance replicas', () => {
  let services: SplitServices;
  let replicas: ServiceReplica[];
  let redis: Redis;
  let key: DpopKey;

  beforeAll(async () => {
    services = await SplitServices.create({ suite: 'dpop-issuance-replay', redisDb: REDIS_DB });
    [replicas] = await Promise.all([
      services.startMany('issuance', 2),
      services.start('revocation'),
    ]);
    redis = await openRedis(services.redisUrl, 'dpop-issuance-replay-spec');
    await untilMarked(redis, 30_000);
    key = await dpopKey();
  });
  afterAll(async () => {
    await Promise.allSettled([services?.closeAll(), redis?.quit()]);
  });

  const proof = () => dpopProof({ key, htm: 'POST', htu: replicas[0]!.config.endpoints.token });
  const withProof = (auth: ClientAuth, dpop: string): ClientAuth => ({
    headers: { ...auth.headers, dpop },
    form: auth.form,
  });
  const tokenAt = (replica: ServiceReplica, dpop: string): Promise<HttpResponse> =>
    services
      .client({ issuance: replica, introspection: replica, revocation: replica })
      .token({ grant_type: 'client_credentials' }, withProof(SPLIT_AUTH.owner, dpop));

  it('both replicas take the public token URL as htu', async () => {
    expect(replicas[1]!.config.endpoints.token).toBe(replicas[0]!.config.endpoints.token);
    expect(replicas[1]!.url).not.toBe(replicas[0]!.url);
  });

  it('refuses on the second replica a proof the first accepted', async () => {
    const once = await proof();
    const first = await tokenAt(replicas[0]!, once);
    expect(first.status).toBe(200);
    expect(first.body.token_type).toBe('DPoP');
    expect(decodeJwt(first.body.access_token).cnf).toEqual({ jkt: key.jkt });
    const replay = await tokenAt(replicas[1]!, once);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({
      error: 'invalid_dpop_proof',
      error_description: 'the DPoP proof has already been used',
    });
  });

  it(`of ${PRESENTATIONS} simultaneous presentations on both replicas, accepts exactly one`, async () => {
    const once = await proof();
    const answers = await Promise.all(
      Array.from({ length: PRESENTATIONS }, (_, i) => tokenAt(replicas[i % 2]!, once)),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(PRESENTATIONS - 1).fill(400)]);
    expect(answers.filter((a) => a.status === 400).map((a) => a.body.error)).toEqual(
      Array<string>(PRESENTATIONS - 1).fill('invalid_dpop_proof'),
    );
  });
});
