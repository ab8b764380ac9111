import { describeProjector } from '../suites/projector.suite';
import { onKafkaCluster } from '../support/ha-kafka';
import { openClusterClient } from '../support/ha-redis';
import { clusterSpecRedis } from '../support/spec-redis';

jest.setTimeout(90_000);
// The tier's three brokers: the services, the admin and the readers of this file use them.
onKafkaCluster();

// The projector suite of the int tier on the clustered engines: the services on the tier's Redis
// Cluster (the store rebuilt across its three primaries) and on three brokers (RF 3).
describeProjector('Redis Cluster, three brokers', () => ({
  services: {
    suite: 'ha-projector',
    redisDb: { cluster: process.env.TEST_REDIS_CLUSTER_NODES! },
    env: { KAFKA_REPLICATION_FACTOR: '3' },
  },
  openRedis: async () => clusterSpecRedis(await openClusterClient('ha-projector-spec')),
}));
