import type { Cluster } from 'ioredis';
import { type Admin, ConfigResourceTypes } from 'kafkajs';
import { loadResourceServerEnv } from '@app/config';
import { TOKEN_LIFECYCLE_TOPIC } from '@app/events';
import { createTokenValidator } from '@app/resource-server';
import { onKafkaCluster } from '../support/ha-kafka';
import { flushCluster, openClusterClient } from '../support/ha-redis';
import {
  ServiceReplica,
  SPLIT_AUTH,
  SPLIT_RESOURCES,
  SplitServices,
} from '../support/in-process-services';
import { eventually } from '../support/int-eventually';
import { connectAdmin } from '../support/int-kafka';
import { OAuthClient } from '../support/oauth-client';
import { isRefusedWith, rsOutcome, rsOutcomeWithin } from '../support/rs-validation';

jest.setTimeout(90_000);
// The tier's three brokers: the services, the admin and the readers of this file use them.
onKafkaCluster();

/**
 * The services on the clustered engines, a Redis Cluster (REDIS_CLUSTER_NODES) and three Kafka
 * brokers (KAFKA_REPLICATION_FACTOR=3): issuance, introspection and
 * revocation with its projector, each a replica of its own. Tokens are issued, introspected and
 * revoked across them, and at a resource server following the cluster. (The projector rebuilding
 * a cluster that lost everything: projector.ha-spec.ts.)
 */
describe('split services on a Redis Cluster', () => {
  let services: SplitServices;
  let introspection: ServiceReplica;
  let revocation: ServiceReplica;
  let oauth: OAuthClient;
  let redis: Cluster;
  let admin: Admin;

  beforeAll(async () => {
    redis = await openClusterClient('ha-split-spec');
    await flushCluster(redis);
    [services, admin] = await Promise.all([
      SplitServices.create({
        suite: 'ha-split',
        redisDb: { cluster: process.env.TEST_REDIS_CLUSTER_NODES! },
        env: { KAFKA_REPLICATION_FACTOR: '3' },
      }),
      connectAdmin('ha-split-admin'),
    ]);
    let issuance: ServiceReplica;
    [issuance, introspection, revocation] = await Promise.all([
      services.start('issuance'),
      services.start('introspection'),
      services.start('revocation', { projector: true }),
    ]);
    oauth = services.client({ issuance, introspection, revocation });
  });
  afterAll(async () => {
    await Promise.allSettled([services?.closeAll(), redis?.quit(), admin?.disconnect()]);
  });

  const issue = (resource: { identifier: string }, auth = SPLIT_AUTH.owner) =>
    oauth.accessToken(auth, { resource: resource.identifier });
  const activeness = (tokens: readonly string[]) =>
    Promise.all(
      tokens.map(async (token) => {
        const res = await oauth.introspect({ token }, SPLIT_AUTH.introspector);
        expect(res.status).toBe(200);
        return res.body.active as boolean;
      }),
    );
  const ready = async (replica: ServiceReplica) =>
    (await fetch(`${services.current(replica).url}/health/ready`)).status;

  it('issues, introspects and revokes across the services, and is ready', async () => {
    await eventually(
      'introspection to be ready',
      () => ready(introspection),
      (s) => s === 200,
    );
    const [opaque, other, jwt] = await Promise.all([
      issue(SPLIT_RESOURCES.opaque),
      issue(SPLIT_RESOURCES.opaque, SPLIT_AUTH.other),
      issue(SPLIT_RESOURCES.jwt),
    ]);
    expect(await activeness([opaque, other, jwt])).toEqual([true, true, true]);
    expect((await oauth.revoke({ token: other }, SPLIT_AUTH.other)).status).toBe(200);
    expect((await oauth.revoke({ token: jwt }, SPLIT_AUTH.owner)).status).toBe(200);
    expect(await activeness([opaque, other, jwt])).toEqual([true, false, false]);
  });

  it('keeps the log on three replicas, two of which acknowledge each event', async () => {
    const { topics } = await admin.fetchTopicMetadata({ topics: [TOKEN_LIFECYCLE_TOPIC] });
    for (const p of topics[0]!.partitions) expect(p.replicas).toHaveLength(3);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: TOKEN_LIFECYCLE_TOPIC,
          configNames: ['min.insync.replicas'],
        },
      ],
    });
    expect(resources[0]!.configEntries).toEqual([
      expect.objectContaining({ configName: 'min.insync.replicas', configValue: '2' }),
    ]);
  });

  it("feels a revocation at a resource server whose mirror follows the cluster's stream", async () => {
    // Configured as an API replica is: from its environment, REDIS_CLUSTER_NODES instead of
    // REDIS_URL.
    const env = loadResourceServerEnv({
      ISSUER: services.issuer,
      RESOURCE_AUDIENCE: SPLIT_RESOURCES.jwt.identifier,
      REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES,
    });
    expect(env.redisUrl).toBeUndefined();
    // Bearer tokens only here: the environment's DPoP settings are not the library's option.
    const { dpop: _dpop, ...bearerOnly } = env;
    const validator = createTokenValidator({ ...bearerOnly, stalenessBudgetMs: 2_000 });
    await validator.start();
    try {
      const jwt = await issue(SPLIT_RESOURCES.jwt);
      await expect(rsOutcome(validator, jwt)).resolves.toMatchObject({ ok: true });
      expect((await oauth.revoke({ token: jwt }, SPLIT_AUTH.owner)).status).toBe(200);
      const { afterMs } = await rsOutcomeWithin(
        validator,
        jwt,
        isRefusedWith(401),
        2_000,
        'the revocation at the resource server',
      );
      expect(afterMs).toBeLessThan(2_000);
    } finally {
      await validator.close();
    }
  });
});
