import { describePropagation } from '../suites/propagation.suite';
import { kafkaClusterBrokers } from '../support/ha-kafka';
import { closeProbeConnections } from '../support/prop-probe';

/**
 * The int tier's propagation suite on the clustered engines: issuance and revocation (with the
 * projector) on three brokers (RF 3, min.insync.replicas=2) and the tier's Redis Cluster, three
 * demo API replicas whose mirrors follow the cluster's revocation stream (REDIS_CLUSTER_NODES).
 * A hundred revocations are timed, for the p50 and p99 it prints.
 */
describe('revocation propagation to API replicas on the clustered engines', () => {
  afterAll(() => closeProbeConnections());

  describePropagation('the Redis Cluster and three brokers', () => ({
    topology: {
      kafkaBrokers: kafkaClusterBrokers(),
      redis: { clusterNodes: process.env.TEST_REDIS_CLUSTER_NODES! },
      replicas: 3,
      serviceEnv: { KAFKA_REPLICATION_FACTOR: '3' },
    },
    samples: 100,
  }));
});
