import Redis from 'ioredis';
import { decodeJwt } from 'jose';
import { openRedis, RedisProjectionMarker } from '@app/store';
import { FakeExternalIssuer, githubActionsClaims } from '../support/fake-external-issuer';
import { ServiceReplica, SPLIT_RESOURCES, SplitServices } from '../support/in-process-services';
import { clientAuth, ClientAuth, HttpResponse } from '../support/oauth-http';

jest.setTimeout(90_000);

/** This suite's own Redis database (it owns it: nothing else of the int tier uses it). */
const REDIS_DB = 12;
const REPO = 'org/app';

async function untilMarked(redis: Redis, withinMs: number): Promise<void> {
  const marker = new RedisProjectionMarker(redis);
  const until = Date.now() + withinMs;
  while (!(await marker.present())) {
    if (Date.now() > until) throw new Error('the projector did not mark the store');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * RFC 7523 §3 item 7 across replicas: a federated credential's `jti` (a GitHub-Actions-like
 * token of a fake external issuer) is spent once between two issuance replicas that share only
 * Kafka and Redis, through the Redis ReplayStore, whichever replica sees it first.
 */
describe('federated credential jti replay across issuance replicas', () => {
  let github: FakeExternalIssuer;
  let services: SplitServices;
  let replicas: ServiceReplica[];
  let redis: Redis;

  beforeAll(async () => {
    github = await FakeExternalIssuer.start('/github');
    services = await SplitServices.create({
      suite: 'federated-jti',
      redisDb: REDIS_DB,
      registry: (doc) => ({
        ...doc,
        trusted_issuers: [{ issuer: github.issuer }],
        clients: [
          ...(doc.clients as unknown[]),
          {
            client_id: 'svc-gha',
            token_endpoint_auth_method: 'private_key_jwt',
            grant_types: ['client_credentials'],
            scope: SPLIT_RESOURCES.jwt.scopes.join(' '),
            resources: [SPLIT_RESOURCES.jwt.identifier],
            federated_credentials: [
              { issuer: github.issuer, subject: `repo:${REPO}:ref:refs/heads/main` },
            ],
          },
        ],
      }),
    });
    [replicas] = await Promise.all([
      services.startMany('issuance', 2),
      services.start('revocation'),
    ]);
    redis = await openRedis(services.redisUrl, 'federated-jti-spec');
    await untilMarked(redis, 30_000);
  });
  afterAll(async () => {
    await Promise.allSettled([services?.closeAll(), redis?.quit(), github?.close()]);
  });

  const federated = (assertion: string): ClientAuth => ({
    headers: {},
    form: { ...clientAuth.privateKeyJwt(assertion).form, client_id: 'svc-gha' },
  });
  const tokenAt = (replica: ServiceReplica, assertion: string): Promise<HttpResponse> =>
    services
      .client({ issuance: replica, introspection: replica, revocation: replica })
      .token({ grant_type: 'client_credentials' }, federated(assertion));
  const jobToken = () =>
    github.sign(githubActionsClaims({ repository: REPO, audience: services.issuer }));

  it('accepts a job token on one replica and refuses it on the other', async () => {
    const assertion = await jobToken();
    const first = await tokenAt(replicas[0]!, assertion);
    expect(first.status).toBe(200);
    expect(decodeJwt(first.body.access_token).client_id).toBe('svc-gha');
    const replay = await tokenAt(replicas[1]!, assertion);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
  });

  it('accepts exactly one of the same token presented to both replicas at once', async () => {
    const assertion = await jobToken();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => tokenAt(replicas[i % 2]!, assertion)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401, 401]);
  });

  it('accepts fresh tokens on both replicas', async () => {
    for (const replica of replicas)
      expect((await tokenAt(replica, await jobToken())).status).toBe(200);
  });
});
