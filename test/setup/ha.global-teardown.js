module.exports = async function globalTeardown() {
  const infra = globalThis.__HA_INFRA__;
  if (!infra) return;
  await Promise.allSettled([infra.cluster.stop(), infra.kafkaCluster.stop()]);
};
