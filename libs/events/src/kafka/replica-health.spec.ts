import { controllerAnswers, replicaHealth } from './replica-health';

type Partition = { partitionId: number; leader: number; isr: number[] };

function admin(topics: Record<string, Partition[]>) {
  return {
    listTopics: async () => Object.keys(topics),
    fetchTopicMetadata: async ({ topics: names }: { topics: string[] }) => ({
      topics: names.map((name) => ({
        name,
        partitions: (topics[name] ?? []).map((p) => ({
          ...p,
          partitionErrorCode: 0,
          replicas: [1, 2, 3],
          offlineReplicas: [],
        })),
      })),
    }),
  };
}

const full = (id: number): Partition => ({ partitionId: id, leader: 1, isr: [1, 2, 3] });

describe('replicaHealth', () => {
  it('is up when every partition has a leader and enough in-sync replicas', async () => {
    const sut = admin({ lifecycle: [full(0), { partitionId: 1, leader: 2, isr: [2, 3] }] });
    await expect(replicaHealth(sut, ['lifecycle'], 2)).resolves.toEqual({ up: true });
  });

  it('is down, naming the partition, when it has fewer in-sync replicas than required', async () => {
    const sut = admin({ lifecycle: [full(0), { partitionId: 1, leader: 2, isr: [2] }] });
    await expect(replicaHealth(sut, ['lifecycle'], 2)).resolves.toEqual({
      up: false,
      reason: 'lifecycle partition 1 has 1 in-sync replica(s), min.insync.replicas is 2',
    });
  });

  it('is down when a partition has no leader', async () => {
    const sut = admin({ keys: [{ partitionId: 0, leader: -1, isr: [] }] });
    await expect(replicaHealth(sut, ['keys'], 1)).resolves.toEqual({
      up: false,
      reason: 'keys partition 0 has no leader',
    });
  });

  it('one replica suffices on a single broker (min.insync.replicas 1)', async () => {
    const sut = admin({ lifecycle: [{ partitionId: 0, leader: 1, isr: [1] }] });
    await expect(replicaHealth(sut, ['lifecycle'], 1)).resolves.toEqual({ up: true });
  });

  it('does not count topics that do not exist yet', async () => {
    const fetch = jest.fn();
    const sut = { listTopics: async () => ['other'], fetchTopicMetadata: fetch };
    await expect(replicaHealth(sut, ['lifecycle'], 2)).resolves.toEqual({ up: true });
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('controllerAnswers', () => {
  const refusal = (...types: string[]) =>
    Object.assign(new Error('refused'), { errors: types.map((type) => ({ type })) });

  it('takes the controller refusing to create what exists, or what the principal may not, for an answer', async () => {
    for (const type of ['TOPIC_ALREADY_EXISTS', 'TOPIC_AUTHORIZATION_FAILED']) {
      const admin = { createTopics: jest.fn().mockRejectedValue(refusal(type)) };
      await expect(controllerAnswers(admin, 'lifecycle', 1000)).resolves.toBeUndefined();
    }
  });

  it('fails when the request finds no controller', async () => {
    const timedOut = Object.assign(new Error('timed out'), { type: 'REQUEST_TIMED_OUT' });
    const admin = { createTopics: jest.fn().mockRejectedValue(timedOut) };
    await expect(controllerAnswers(admin, 'lifecycle', 1000)).rejects.toBe(timedOut);
    const mixed = { createTopics: jest.fn().mockRejectedValue(refusal('NOT_CONTROLLER')) };
    await expect(controllerAnswers(mixed, 'lifecycle', 1000)).rejects.toThrow('refused');
  });
});
