'use strict';
/**
 * A Kafka for tests and development: KAFKA_BROKERS when it answers, else a single-node KRaft
 * broker (combined broker+controller) started here from the Maven-fetched jars.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { ensureKafkaJars, findJava } = require('./kafka-jars');
const {
  ManagedProcess,
  STOP_GRACE_MS,
  externalHandle,
  onParentExit,
  run,
  toLogger,
  waitUntilReady,
  withTimeout,
} = require('./processes');
const { pickFreePorts } = require('./ports');
const { makeTempDir, removeDir } = require('./state');

const KAFKA_READY_TIMEOUT_MS = 90_000;
const EXTERNAL_PROBE_TIMEOUT_MS = 5_000;
/** Topic created by the readiness probe: proves the controller path works, not only the socket. */
const READY_TOPIC = 'infra-readiness';
/** What kafka-server-start.sh / kafka-run-class.sh would use, with a small heap. */
const KAFKA_JVM_OPTS = [
  '-Xmx512m',
  '-Xms256m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:-UsePerfData', // no /tmp/hsperfdata_* litter
  '-Djava.awt.headless=true',
];
const QUIET_LOG4J = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  '',
].join('\n');

/**
 * A reachable Kafka: KAFKA_BROKERS if it answers, else a broker started here.
 * @param {{ log?: Function | { info: Function } }} [options]
 */
async function ensureKafka({ log } = {}) {
  const say = toLogger(log);
  const external = process.env.KAFKA_BROKERS;
  if (external) {
    if (await kafkaReachable(external)) {
      say(`using KAFKA_BROKERS=${external}`);
      return externalHandle({ brokers: external }, 'KAFKA_BROKERS', ['stopBroker', 'startBroker']);
    }
    say(`KAFKA_BROKERS=${external} is not reachable; starting a local broker instead`);
  }
  return startOwnKafka(say);
}

async function startOwnKafka(say) {
  const libs = await ensureKafkaJars({ log: say });
  const java = findJava();
  const [port, controllerPort] = await pickFreePorts(2);
  const brokers = `127.0.0.1:${port}`;
  const dir = makeTempDir('kafka');
  let args;
  try {
    args = await prepareKafkaDir({ java, libs, dir, port, controllerPort });
  } catch (err) {
    removeDir(dir);
    throw err;
  }
  const proc = new ManagedProcess({
    name: 'kafka',
    command: java,
    args,
    cwd: dir,
    logFile: path.join(dir, 'kafka.log'),
    say,
  });
  const unregister = onParentExit(() => {
    proc.killNow();
    removeDir(dir);
  });

  const startBroker = async () => {
    if (proc.running) return;
    const t0 = Date.now();
    proc.start();
    await waitUntilReady(proc, KAFKA_READY_TIMEOUT_MS, () => kafkaServes(brokers));
    say(`kafka ${brokers} ready in ${Date.now() - t0} ms (pid ${proc.pid}, dir ${dir})`);
  };
  const stopBroker = () => proc.stop(STOP_GRACE_MS);
  const stop = async () => {
    await proc.stop(STOP_GRACE_MS);
    removeDir(dir);
    unregister();
  };

  try {
    await startBroker();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    brokers,
    started: true,
    stop,
    stopBroker,
    startBroker,
    get pid() {
      return proc.pid;
    },
    ports: { broker: port, controller: controllerPort },
    dir,
  };
}

/**
 * Writes the configs, formats the storage, and returns the broker's java arguments.
 * The broker's own log4j goes to stdout, which ManagedProcess appends to
 * kafka.log together with anything the JVM itself prints (OOM, bad flags...).
 * A node of a cluster (scripts/infra/kafka-cluster.js) passes its id, the quorum's voters, the
 * cluster id all its nodes were formatted with, its replication settings and a smaller heap.
 */
async function prepareKafkaDir({ java, libs, dir, clusterId = randomClusterId(), heap, ...node }) {
  const properties = path.join(dir, 'server.properties');
  const log4j = path.join(dir, 'log4j.properties');
  fs.writeFileSync(properties, kafkaProperties({ dir, ...node }));
  fs.writeFileSync(log4j, QUIET_LOG4J);
  const common = ['-cp', `${libs}${path.sep}*`, `-Dlog4j.configuration=file:${log4j}`];
  const format = ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties];
  await run(java, ['-Xmx256m', '-XX:-UsePerfData', ...common, ...format], { cwd: dir });
  const jvm = heap
    ? [...KAFKA_JVM_OPTS.filter((o) => !/^-Xm[sx]/.test(o)), ...heap]
    : KAFKA_JVM_OPTS;
  return [...jvm, ...common, 'kafka.Kafka', properties];
}

/**
 * KRaft combined broker+controller (server.properties). Alone (the defaults) it is its own
 * quorum with replication factor 1; in a cluster, `voters` names the quorum and `extra` carries
 * the replication settings.
 */
function kafkaProperties({ dir, port, controllerPort, nodeId = 1, voters, extra = {} }) {
  const properties = {
    'node.id': nodeId,
    'process.roles': 'broker,controller',
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'controller.quorum.voters': voters ?? `${nodeId}@127.0.0.1:${controllerPort}`,
    'log.dirs': path.join(dir, 'data'),
    'num.partitions': 3,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    ...extra,
  };
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');
}

/** Same shape as kafka.tools.StorageTool random-uuid, without paying for a JVM start. */
function randomClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    // Kafka's Uuid.randomUuid() rejects ids starting with '-' (they look like CLI flags).
    if (!id.startsWith('-')) return id;
  }
}

/** One quick attempt: broker answers describeCluster. */
async function kafkaReachable(brokers) {
  return withKafkaAdmin(brokers, async (admin) => {
    await admin.describeCluster();
    return true;
  }).catch(() => false);
}

/** One attempt: broker answers, can create a topic and has a leader for it. */
async function kafkaServes(brokers) {
  return withKafkaAdmin(brokers, async (admin) => {
    await admin.describeCluster();
    await admin.createTopics({
      topics: [{ topic: READY_TOPIC, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: false, // kafkajs' own wait would use retries; we poll instead
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: [READY_TOPIC] });
    return topics[0].partitions.every((p) => p.leader >= 0);
  });
}

async function withKafkaAdmin(brokers, fn) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'infra-probe',
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 }, // callers poll; kafkajs retries would only hide the deadline
  });
  const admin = kafka.admin();
  try {
    return await withTimeout(
      (async () => {
        await admin.connect();
        return fn(admin);
      })(),
      EXTERNAL_PROBE_TIMEOUT_MS,
      `kafka ${brokers} did not answer within ${EXTERNAL_PROBE_TIMEOUT_MS} ms`,
    );
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

module.exports = {
  KAFKA_READY_TIMEOUT_MS,
  ensureKafka,
  prepareKafkaDir,
  kafkaProperties,
  kafkaReachable,
  kafkaServes,
  randomClusterId,
  withKafkaAdmin,
};
