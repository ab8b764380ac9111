// High-availability tier: one real Redis Cluster (three primaries, one replica each) for the whole
// run, reused from REDIS_CLUSTER_NODES when it answers cluster_state:ok, else started here and
// torn down at the end. Fault specs start clusters of their own (they kill nodes).
const { ensureRedisCluster } = require('../../scripts/redis-cluster');

module.exports = async function globalSetup() {
  const log = (m) => process.stderr.write(`${m}\n`);
  const cluster = await ensureRedisCluster({ log });
  process.env.REDIS_CLUSTER_NODES = cluster.nodes;
  // The ha specs speak to the cluster only: a stray single-node URL must not be picked up.
  delete process.env.REDIS_URL;
  globalThis.__HA_INFRA__ = { cluster };
};
