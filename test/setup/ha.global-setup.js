// High-availability tier: one real Redis Cluster (three primaries, one replica each) for the whole
// run, reused from REDIS_CLUSTER_NODES when it answers cluster_state:ok, else started here and
// torn down at the end; and the single-node Kafka of scripts/infra.js (KAFKA_BROKERS when it
// answers) for the services that run on the cluster. Fault specs start clusters of their own.
const { ensureKafka } = require('../../scripts/infra');
const { ensureRedisCluster } = require('../../scripts/redis-cluster');

/** Where the ha specs find the cluster (test/support/ha-redis.ts). */
const HA_NODES = 'TEST_REDIS_CLUSTER_NODES';

module.exports = async function globalSetup() {
  const log = (m) => process.stderr.write(`${m}\n`);
  const [kafka, cluster] = await Promise.all([ensureKafka({ log }), ensureRedisCluster({ log })]);
  process.env.KAFKA_BROKERS = kafka.brokers;
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  process.env[HA_NODES] = cluster.nodes;
  // `npm test` runs every tier in this one process: services the int and e2e specs start from
  // process.env get REDIS_URL, and REDIS_URL with REDIS_CLUSTER_NODES is a configuration error.
  delete process.env.REDIS_CLUSTER_NODES;
  globalThis.__HA_INFRA__ = { kafka, cluster };
};
