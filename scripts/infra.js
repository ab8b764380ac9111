'use strict';
/**
 * Local infrastructure for tests and development: a real Apache Kafka broker
 * (single-node KRaft, jars from Maven Central, no Docker) and a Redis.
 *
 *   const { ensureKafka, ensureRedis } = require('./scripts/infra');
 *   const kafka = await ensureKafka({ log: console.log }); // { brokers, started, stop, stopBroker, startBroker }
 *   const redis = await ensureRedis({ log: console.log }); // { url, started, stop, stopServer, startServer }
 *
 * KAFKA_BROKERS / REDIS_URL are used instead when set and reachable.
 *
 * CLI:
 *   node scripts/infra.js up      start both, print KAFKA_BROKERS=/REDIS_URL=, run until SIGINT/SIGTERM
 *   node scripts/infra.js fetch   only download the Kafka jars (CI cache warm-up)
 *
 * The stable entry point; one file per concern lives in scripts/infra/:
 *   kafka-jars.js    the jars fetched with Maven into the user cache, and java
 *   kafka-broker.js  a KRaft broker (or KAFKA_BROKERS), and its probes
 *   kafka-cluster.js three KRaft brokers replicating (RF 3, min.insync.replicas=2)
 *   redis-server.js  a redis-server (or REDIS_URL), and its probe
 *   ports.js         free ports below the ephemeral range
 *   processes.js     child processes that never outlive their parent
 *   state.js         the user cache, owned temp dirs, the state file of `up`
 *   cli.js           `up` and `fetch`
 */
const { cli } = require('./infra/cli');
const { ensureKafka } = require('./infra/kafka-broker');
const { ensureKafkaCluster } = require('./infra/kafka-cluster');
const { KAFKA_LIBS, KAFKA_VERSION, ensureKafkaJars } = require('./infra/kafka-jars');
const { pickFreePorts } = require('./infra/ports');
const {
  ManagedProcess,
  STOP_GRACE_MS,
  findCommand,
  onParentExit,
  run,
  toLogger,
  waitUntilReady,
  withTimeout,
} = require('./infra/processes');
const { REDIS_HINT, ensureRedis } = require('./infra/redis-server');
const { STATE_FILE, makeTempDir, removeDir } = require('./infra/state');

if (require.main === module) {
  cli(process.argv[2]).catch((err) => {
    console.error(`[infra] ${err.message}`);
    process.exit(1); // 'exit' handlers kill anything half-started
  });
}

module.exports = {
  ensureKafka,
  ensureKafkaCluster,
  ensureRedis,
  ensureKafkaJars,
  KAFKA_VERSION,
  KAFKA_LIBS,
  STATE_FILE,
  // The process plumbing, for scripts/redis-cluster.js: one way to start, watch and clean up.
  plumbing: {
    ManagedProcess,
    REDIS_HINT,
    STOP_GRACE_MS,
    findCommand,
    makeTempDir,
    onParentExit,
    pickFreePorts,
    removeDir,
    run,
    toLogger,
    waitUntilReady,
    withTimeout,
  },
};
