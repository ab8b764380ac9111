import { Logger } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { ConfigResourceTypes } from 'kafkajs';
import { EventBus, KafkaEventBus, REGISTRY_TOPIC } from '@app/events';
import { brokers, connectAdmin, uniqueName } from '../support/int-kafka';
import { describeRegistryContract } from './registry.contract';

jest.setTimeout(60_000);

/**
 * The registry contract on a real broker: `oauth.registry.v1` compacted, every replica a reader
 * of its own. The topic is shared with every other suite of the run: ids are unique per run.
 */
const buses: EventBus[] = [];
const connect = async (run: string) => {
  const config = loadConfig({
    KAFKA_BROKERS: brokers().join(','),
    KAFKA_CLIENT_ID: uniqueName(run),
    LOG_LEVEL: 'error',
  }).kafka!;
  const bus = await KafkaEventBus.connect(config);
  buses.push(bus);
  return bus;
};

beforeAll(() => Logger.overrideLogger(['error', 'fatal']));
afterAll(async () => {
  await Promise.allSettled(buses.map((b) => b.close()));
});

describeRegistryContract('Kafka', async () => {
  const run = uniqueName('int-registry');
  return { bus: await connect(run), run, restart: () => connect(run) };
});

describe('the registry topic', () => {
  it('is compacted, with one partition: the latest event of each key rebuilds the registry', async () => {
    await connect(uniqueName('int-registry-topic'));
    const admin = await connectAdmin('int-registry-topic');
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: REGISTRY_TOPIC,
            configNames: ['cleanup.policy'],
          },
        ],
      });
      expect(resources[0]?.configEntries).toEqual([
        expect.objectContaining({ configName: 'cleanup.policy', configValue: 'compact' }),
      ]);
      const offsets = await admin.fetchTopicOffsets(REGISTRY_TOPIC);
      expect(offsets).toHaveLength(1);
    } finally {
      await admin.disconnect();
    }
  });
});
