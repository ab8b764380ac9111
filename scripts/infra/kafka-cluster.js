'use strict';
/**
 * A replicated Kafka for the ha tier and `dev:cluster --ha`: three KRaft nodes, each a combined
 * broker and controller (one controller quorum of three), from the same Maven-fetched jars as
 * the single broker, with small heaps so that the three fit a 2-core machine beside the Redis
 * Cluster and the services.
 *
 *   const { ensureKafkaCluster } = require('./scripts/infra/kafka-cluster');
 *   const kafka = await ensureKafkaCluster({ log: console.log });
 *   // { brokers: '127.0.0.1:p1,p2,p3', started, stop, nodes: [{ id, port, pid, kill, start }] }
 *
 * Internal topics get replication factor 3 and min.insync.replicas=2, the settings the event
 * bus gives the lifecycle topic on three brokers (libs/events: acks=all needs two copies).
 */
const path = require('path');
const { ensureKafkaJars, findJava } = require('./kafka-jars');
const {
  KAFKA_READY_TIMEOUT_MS,
  kafkaProperties,
  prepareKafkaDir,
  randomClusterId,
  withKafkaAdmin,
} = require('./kafka-broker');
const {
  ManagedProcess,
  STOP_GRACE_MS,
  onParentExit,
  toLogger,
  waitUntilReady,
} = require('./processes');
const { pickFreePorts } = require('./ports');
const { makeTempDir, removeDir } = require('./state');

const NODES = 3;
/** Three JVMs beside everything else: a third of the single broker's heap ceiling each. */
const CLUSTER_HEAP = ['-Xmx320m', '-Xms128m'];
const READY_TOPIC = 'infra-readiness-ha';
/**
 * Replication, and failure detection short enough that a killed broker is fenced in seconds
 * (the default session of 9 s would make the fault spec wait for nothing).
 */
const CLUSTER_SETTINGS = {
  'default.replication.factor': NODES,
  'min.insync.replicas': 2,
  'offsets.topic.replication.factor': NODES,
  'transaction.state.log.replication.factor': NODES,
  'transaction.state.log.min.isr': 2,
  'broker.session.timeout.ms': 4_000,
  'broker.heartbeat.interval.ms': 1_000,
  'replica.lag.time.max.ms': 5_000,
  'unclean.leader.election.enable': false,
};

/** The quorum's voters line: every node is a controller. */
function quorumVoters(nodes) {
  return nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');
}

/** server.properties of one node of the cluster. */
function clusterNodeProperties({ dir, node, nodes }) {
  return kafkaProperties({
    dir,
    port: node.port,
    controllerPort: node.controllerPort,
    nodeId: node.id,
    voters: quorumVoters(nodes),
    extra: CLUSTER_SETTINGS,
  });
}

/**
 * A reachable three-broker Kafka: KAFKA_BROKERS if its cluster lists three brokers or more,
 * else one started here (a single broker given by KAFKA_BROKERS is not replicated: not reused).
 * @param {{ log?: Function | { info: Function } }} [options]
 */
async function ensureKafkaCluster({ log } = {}) {
  const say = toLogger(log);
  const external = process.env.KAFKA_BROKERS;
  if (external) {
    const count = await brokerCount(external).catch(() => 0);
    if (count >= NODES) {
      say(`using KAFKA_BROKERS=${external} (${count} brokers)`);
      return { brokers: external, started: false, stop: async () => {}, nodes: [] };
    }
    say(`KAFKA_BROKERS=${external} does not answer with ${NODES} brokers; starting them`);
  }
  return startOwnKafkaCluster(say);
}

async function startOwnKafkaCluster(say) {
  const libs = await ensureKafkaJars({ log: say });
  const java = findJava();
  const ports = await pickFreePorts(NODES * 2);
  const layout = Array.from({ length: NODES }, (_, i) => ({
    id: i + 1,
    port: ports[i * 2],
    controllerPort: ports[i * 2 + 1],
  }));
  const brokers = layout.map((n) => `127.0.0.1:${n.port}`).join(',');
  const clusterId = randomClusterId();
  const dirs = [];
  const procs = [];
  const unregister = onParentExit(() => {
    procs.forEach((p) => p.killNow());
    dirs.forEach(removeDir);
  });
  const stop = async () => {
    await Promise.all(procs.map((p) => p.stop(STOP_GRACE_MS)));
    dirs.forEach(removeDir);
    unregister();
  };
  try {
    for (const node of layout) {
      const dir = makeTempDir(`kafka-${node.id}`);
      dirs.push(dir);
      const args = await prepareKafkaDir({
        java,
        libs,
        dir,
        clusterId,
        heap: CLUSTER_HEAP,
        port: node.port,
        controllerPort: node.controllerPort,
        nodeId: node.id,
        voters: quorumVoters(layout),
        extra: CLUSTER_SETTINGS,
      });
      const proc = new ManagedProcess({
        name: `kafka-${node.id}`,
        command: java,
        args,
        cwd: dir,
        logFile: path.join(dir, 'kafka.log'),
        say,
      });
      procs.push(proc);
      Object.assign(node, { dir, proc });
    }
    const t0 = Date.now();
    // A quorum of three elects a leader only once two voters run: start all, then wait.
    procs.forEach((p) => p.start());
    await Promise.all(
      procs.map((p) => waitUntilReady(p, KAFKA_READY_TIMEOUT_MS, () => servesReplicated(brokers))),
    );
    say(`kafka cluster ${brokers} ready in ${Date.now() - t0} ms (${NODES} brokers, RF ${NODES})`);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    brokers,
    started: true,
    stop,
    nodes: layout.map((node) => nodeHandle(node, brokers, say)),
  };
}

/** One broker of the cluster: its id and port, killed (SIGKILL, a crash) and started again. */
function nodeHandle(node, brokers, say) {
  const { proc } = node;
  return {
    id: node.id,
    port: node.port,
    dir: node.dir,
    get pid() {
      return proc.pid;
    },
    get running() {
      return proc.running;
    },
    /** A crash, not a shutdown: no controlled leadership handover. */
    kill: async () => {
      if (!proc.running) return;
      proc.stopping = true;
      proc.killNow();
      await proc.exited;
    },
    start: async () => {
      if (proc.running) return;
      const t0 = Date.now();
      proc.start();
      await waitUntilReady(proc, KAFKA_READY_TIMEOUT_MS, () => brokerListed(brokers, node.id));
      say(`kafka-${node.id} back in ${Date.now() - t0} ms`);
    },
  };
}

/** How many brokers the cluster's metadata lists. */
async function brokerCount(brokers) {
  return withKafkaAdmin(brokers, async (admin) => (await admin.describeCluster()).brokers.length);
}

async function brokerListed(brokers, id) {
  return withKafkaAdmin(brokers, async (admin) =>
    (await admin.describeCluster()).brokers.some((b) => b.nodeId === id),
  );
}

/** One attempt: all three brokers registered, and a topic of RF 3 has its three in sync. */
async function servesReplicated(brokers) {
  return withKafkaAdmin(brokers, async (admin) => {
    if ((await admin.describeCluster()).brokers.length < NODES) return false;
    await admin.createTopics({
      topics: [{ topic: READY_TOPIC, numPartitions: 1, replicationFactor: NODES }],
      waitForLeaders: false,
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: [READY_TOPIC] });
    return topics[0].partitions.every((p) => p.leader >= 0 && p.isr.length === NODES);
  });
}

module.exports = {
  CLUSTER_SETTINGS,
  NODES,
  clusterNodeProperties,
  ensureKafkaCluster,
  quorumVoters,
  /** A cluster of the caller's own, which it may kill brokers of (fault specs). */
  startOwnKafkaCluster: ({ log } = {}) => startOwnKafkaCluster(toLogger(log)),
};
