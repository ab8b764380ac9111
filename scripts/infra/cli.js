'use strict';
/**
 *   node scripts/infra.js up      start both, print KAFKA_BROKERS=/REDIS_URL=, run until SIGINT/SIGTERM
 *   node scripts/infra.js fetch   only download the Kafka jars (CI cache warm-up)
 */
const timers = require('timers');
const { ensureKafka } = require('./kafka-broker');
const { ensureKafkaJars } = require('./kafka-jars');
const { ensureRedis } = require('./redis-server');
const { removeState, writeState } = require('./state');

async function cliUp() {
  const log = (msg) => console.error(msg);
  const [kafka, redis] = await startAll({ log });
  console.log(`KAFKA_BROKERS=${kafka.brokers}`);
  console.log(`REDIS_URL=${redis.url}`);
  writeState({ kafka, redis });

  const keepAlive = timers.setInterval(() => {}, 1 << 30); // children are unref'd
  const signalName = await new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  log(`[infra] ${signalName}: stopping`);
  await Promise.all([kafka.stop(), redis.stop()]);
  removeState();
  timers.clearInterval(keepAlive);
}

/** Start both concurrently; if one fails, stop the other before rethrowing. */
async function startAll(options) {
  const results = await Promise.allSettled([ensureKafka(options), ensureRedis(options)]);
  const failed = results.find((r) => r.status === 'rejected');
  if (!failed) return results.map((r) => r.value);
  await Promise.all(results.filter((r) => r.status === 'fulfilled').map((r) => r.value.stop()));
  throw failed.reason;
}

async function cli(command) {
  if (command === 'up') return cliUp();
  if (command === 'fetch') {
    console.log(await ensureKafkaJars({ log: (msg) => console.error(msg) }));
    return;
  }
  console.error('usage: node scripts/infra.js up | fetch');
  process.exitCode = 2;
}

module.exports = { cli, startAll };
