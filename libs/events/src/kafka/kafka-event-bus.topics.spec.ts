import type { Admin, Kafka } from 'kafkajs';
import { KafkaConfig } from '@app/config';
import {
  CONTROLLER_PROBE_TOPIC,
  REGISTRY_TOPIC,
  SIGNING_KEYS_TOPIC,
  TOKEN_LIFECYCLE_TOPIC,
} from '../topics';
import { KafkaEventBus } from './kafka-event.bus';

const config = (replicationFactor: number): KafkaConfig => ({
  brokers: ['127.0.0.1:9092'],
  clientId: 'spec',
  lingerMs: 0,
  maxBatch: 10,
  publishTimeoutMs: 1000,
  topicPartitions: 2,
  replicationFactor,
});

const newProducer = () => ({
  connect: async () => undefined,
  disconnect: async () => undefined,
  sendBatch: async () => [],
});

type Partition = { partitionId: number; leader: number; isr: number[] };
const unknownTopic = () =>
  Object.assign(new Error('This server does not host this topic-partition'), {
    retriable: true,
    type: 'UNKNOWN_TOPIC_OR_PARTITION',
  });

/** An admin whose brokers learn of created topics only after `lagCalls` metadata requests. */
function fakeAdmin(lagCalls: number, partitions: () => Partition[]) {
  const topics = new Set<string>();
  let metadataCalls = 0;
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    describeCluster: async () => ({ brokers: [], controller: 1, clusterId: 'c' }),
    listTopics: async () => [...topics],
    createTopics: jest.fn(async ({ topics: created }: { topics: { topic: string }[] }) => {
      created.forEach((t) => topics.add(t.topic));
      return true;
    }),
    fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => {
      if (++metadataCalls <= lagCalls) throw unknownTopic();
      return { topics: names.map((name) => ({ name, partitions: partitions() })) };
    },
  };
  return admin;
}

describe('KafkaEventBus topics on a cluster', () => {
  const buses: KafkaEventBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });
  const connect = async (admin: ReturnType<typeof fakeAdmin>, rf: number) => {
    const bus = await KafkaEventBus.connect(config(rf), {
      kafka: {} as Kafka,
      admin: admin as unknown as Admin,
      newProducer,
    });
    buses.push(bus);
    return bus;
  };
  const all = (isr: number[]) => () =>
    [0, 1].map((id) => ({ partitionId: id, leader: isr[0]!, isr }));

  it('creates the topics with three replicas and min.insync.replicas=2, and waits out a broker that does not know them yet', async () => {
    const admin = fakeAdmin(3, all([1, 2, 3]));
    await connect(admin, 3);
    expect(admin.createTopics).toHaveBeenCalledWith({
      waitForLeaders: false,
      topics: [
        ...[TOKEN_LIFECYCLE_TOPIC, SIGNING_KEYS_TOPIC].map((topic) => ({
          topic,
          numPartitions: 2,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        })),
        // The registry: one partition (its order across keys matters), compacted.
        {
          topic: REGISTRY_TOPIC,
          numPartitions: 1,
          replicationFactor: 3,
          configEntries: [
            { name: 'min.insync.replicas', value: '2' },
            { name: 'cleanup.policy', value: 'compact' },
          ],
        },
      ],
    });
  });

  it('a single broker keeps min.insync.replicas at 1', async () => {
    const admin = fakeAdmin(0, all([1]));
    const bus = await connect(admin, 1);
    expect(admin.createTopics.mock.calls[0]![0].topics[0]).toMatchObject({
      replicationFactor: 1,
      configEntries: [{ name: 'min.insync.replicas', value: '1' }],
    });
    await expect(bus.readiness()).resolves.toEqual({ up: true });
  });

  it('is unready, saying which partition, while a partition has fewer in-sync replicas than min.insync.replicas', async () => {
    let isr = [1, 2, 3];
    const admin = fakeAdmin(0, () => [0, 1].map((id) => ({ partitionId: id, leader: 2, isr })));
    const bus = await connect(admin, 3);
    await expect(bus.readiness()).resolves.toEqual({ up: true });
    isr = [2, 3];
    await expect(bus.ready()).resolves.toBe(true);
    isr = [2];
    await expect(bus.readiness()).resolves.toEqual({
      up: false,
      reason: `${TOKEN_LIFECYCLE_TOPIC} partition 0 has 1 in-sync replica(s), min.insync.replicas is 2`,
    });
    await expect(bus.ready()).resolves.toBe(false);
  });

  it('is unready while no controller answers, though the broker still serves its last metadata', async () => {
    const admin = fakeAdmin(0, all([1, 2, 3]));
    const bus = await connect(admin, 3);
    await expect(bus.readiness()).resolves.toEqual({ up: true });
    // The check asks the controller without creating anything.
    expect(admin.createTopics).toHaveBeenLastCalledWith({
      validateOnly: true,
      waitForLeaders: false,
      timeout: 1000,
      topics: [{ topic: CONTROLLER_PROBE_TOPIC, numPartitions: 1, replicationFactor: 1 }],
    });
    // Two of three combined nodes lost: the survivor forwards to a controller that is gone.
    admin.createTopics.mockRejectedValue(
      Object.assign(new Error('timed out'), { name: 'KafkaJSRequestTimeoutError' }),
    );
    await expect(bus.readiness()).resolves.toEqual({
      up: false,
      reason: 'no Kafka controller answers: KafkaJSRequestTimeoutError',
    });
  });

  it('is unready when the cluster does not answer', async () => {
    const admin = fakeAdmin(0, all([1]));
    const bus = await connect(admin, 1);
    admin.describeCluster = async () => {
      throw Object.assign(new Error('down'), { name: 'KafkaJSConnectionError' });
    };
    await expect(bus.readiness()).resolves.toEqual({
      up: false,
      reason: 'Kafka does not answer: KafkaJSConnectionError',
    });
  });
});
