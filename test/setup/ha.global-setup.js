// High-availability tier: one real Redis Cluster (three primaries, one replica each) and one
// three-broker Kafka (KRaft, replication factor 3, min.insync.replicas=2) for the whole run,
// reused from REDIS_CLUSTER_NODES / KAFKA_BROKERS when they answer as clusters, else started here
// and torn down at the end. Outage and fault specs start clusters of their own, which they take
// apart. The tier runs on its own (npm run test:ha), but may share a jest run with the others.
const { ensureKafkaCluster } = require('../../scripts/infra');
const { ensureRedisCluster } = require('../../scripts/redis-cluster');

/** Where the ha specs find the clusters (test/support/ha-redis.ts, test/support/ha-kafka.ts). */
const HA_NODES = 'TEST_REDIS_CLUSTER_NODES';
const HA_BROKERS = 'TEST_KAFKA_CLUSTER_BROKERS';

module.exports = async function globalSetup() {
  const log = (m) => process.stderr.write(`${m}\n`);
  const [cluster, kafkaCluster] = await Promise.all([
    ensureRedisCluster({ log }),
    ensureKafkaCluster({ log }),
  ]);
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  process.env[HA_NODES] = cluster.nodes;
  // Named apart, so that int and e2e specs of the same jest run keep the single broker and the
  // one Redis (each ha spec file points its own environment at the clusters).
  process.env[HA_BROKERS] = kafkaCluster.brokers;
  // Services the int and e2e specs of the same run start from process.env get REDIS_URL, and
  // REDIS_URL with REDIS_CLUSTER_NODES is a configuration error.
  delete process.env.REDIS_CLUSTER_NODES;
  globalThis.__HA_INFRA__ = { cluster, kafkaCluster };
};
