import type { Admin } from 'kafkajs';
import { TOKEN_LIFECYCLE_TOPIC } from '@app/events';

/**
 * The three-broker Kafka of the ha tier: the global setup hands its brokers over as
 * TEST_KAFKA_CLUSTER_BROKERS (never as KAFKA_BROKERS, which the int and e2e specs of the same
 * process share). A spec file calls `onKafkaCluster` once at its top: jest gives each spec file
 * its own process.env, so the int-kafka helpers and the services it starts then use the cluster.
 */
export function kafkaClusterBrokers(): string {
  const brokers = process.env.TEST_KAFKA_CLUSTER_BROKERS;
  if (!brokers) throw new Error('no test Kafka cluster: run with --selectProjects ha');
  return brokers;
}

/** Points this spec file's Kafka (helpers and services) at `brokers`, the tier's by default. */
export function onKafkaCluster(brokers: string = kafkaClusterBrokers()): void {
  process.env.KAFKA_BROKERS = brokers;
}

/** A broker of a cluster started by scripts/infra/kafka-cluster.js. */
export interface KafkaNode {
  readonly id: number;
  readonly port: number;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGKILL (a crash: no controlled leadership handover); resolves once it is gone. */
  kill(): Promise<void>;
  /** Same port and data dir; resolves once the cluster lists it again. */
  start(): Promise<void>;
}

export interface OwnKafkaCluster {
  readonly brokers: string;
  readonly nodes: readonly KafkaNode[];
  stop(): Promise<void>;
}

interface KafkaClusterModule {
  startOwnKafkaCluster(options: { log?: (m: string) => void }): Promise<OwnKafkaCluster>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const script = require('../../scripts/infra/kafka-cluster') as KafkaClusterModule;

/** Three brokers of the suite's own, which it may kill. */
export function startOwnKafkaCluster(
  log: (m: string) => void = () => undefined,
): Promise<OwnKafkaCluster> {
  return script.startOwnKafkaCluster({ log });
}

/** The partition of `topic` holding the most records, and the broker leading it now. */
export async function busiestPartition(
  admin: Admin,
  topic: string = TOKEN_LIFECYCLE_TOPIC,
): Promise<{ partition: number; records: number; leader: number }> {
  const [offsets, metadata] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchTopicMetadata({ topics: [topic] }),
  ]);
  const sizes = offsets.map((o) => ({
    partition: o.partition,
    records: Number(o.high) - Number(o.low),
  }));
  const busiest = sizes.reduce((a, b) => (b.records > a.records ? b : a));
  const leader = metadata.topics[0]!.partitions.find(
    (p) => p.partitionId === busiest.partition,
  )!.leader;
  return { ...busiest, leader };
}
