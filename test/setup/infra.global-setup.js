// Integration tier: one real Kafka broker and one real Redis for the whole run, reused from
// KAFKA_BROKERS / REDIS_URL when they answer, else started here and torn down at the end.
const { ensureKafka, ensureRedis } = require('../../scripts/infra');

module.exports = async function globalSetup() {
  const log = (m) => process.stderr.write(`${m}\n`);
  const [kafka, redis] = await Promise.all([ensureKafka({ log }), ensureRedis({ log })]);
  process.env.KAFKA_BROKERS = kafka.brokers;
  process.env.REDIS_URL = redis.url;
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  globalThis.__INFRA__ = { kafka, redis };
};
