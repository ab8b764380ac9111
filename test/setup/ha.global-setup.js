// High-availability tier: one real Redis Cluster (three primaries, one replica each) and one
// three-broker Kafka (KRaft, replication factor 3, min.insync.replicas=2) for the whole run,
// reused from REDIS_CLUSTER_NODES / KAFKA_BROKERS when they answer as clusters, else started here
// and torn down at the end; and the single-node Kafka of scripts/infra.js (KAFKA_BROKERS when it
// answers) that the other tiers share. Fault specs start clusters of their own.
const { ensureKafka, ensureKafkaCluster } = require('../../scripts/infra');
const { ensureRedisCluster } = require('../../scripts/redis-cluster');

/** Where the ha specs find the clusters (test/support/ha-redis.ts, test/support/ha-kafka.ts). */
const HA_NODES = 'TEST_REDIS_CLUSTER_NODES';
const HA_BROKERS = 'TEST_KAFKA_CLUSTER_BROKERS';

module.exports = async function globalSetup() {
  const log = (m) => process.stderr.write(`${m}\n`);
  const [kafka, cluster, kafkaCluster] = await Promise.all([
    ensureKafka({ log }),
    ensureRedisCluster({ log }),
    ensureKafkaCluster({ log }),
  ]);
  process.env.KAFKA_BROKERS = kafka.brokers;
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  process.env[HA_NODES] = cluster.nodes;
  // Like the Redis Cluster: named apart, so that the int and e2e specs of the same `npm test`
  // process keep the single broker (each ha spec file points its own environment at it).
  process.env[HA_BROKERS] = kafkaCluster.brokers;
  // `npm test` runs every tier in this one process: services the int and e2e specs start from
  // process.env get REDIS_URL, and REDIS_URL with REDIS_CLUSTER_NODES is a configuration error.
  delete process.env.REDIS_CLUSTER_NODES;
  globalThis.__HA_INFRA__ = { kafka, cluster, kafkaCluster };
};
