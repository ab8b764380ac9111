module.exports = async function globalTeardown() {
  const infra = globalThis.__INFRA__;
  if (!infra) return;
  await Promise.allSettled([infra.kafka.stop(), infra.redis.stop()]);
};
