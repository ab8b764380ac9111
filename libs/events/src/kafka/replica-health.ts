import { Admin } from 'kafkajs';
import { EventsHealth } from '../event-bus.port';

/**
 * Whether every partition of `topics` can take an `acks=all` write now: it has a leader and at
 * least `minInsync` in-sync replicas (the topic's min.insync.replicas). With fewer, the broker
 * refuses the write (NOT_ENOUGH_REPLICAS), so the service would answer 503 to every issuance:
 * better out of the load balancer, with the reason for the operator. Topics not created yet
 * (the first publish creates them) are not counted against readiness.
 */
export async function replicaHealth(
  admin: Pick<Admin, 'listTopics' | 'fetchTopicMetadata'>,
  topics: readonly string[],
  minInsync: number,
): Promise<EventsHealth> {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((t) => existing.has(t));
  if (present.length === 0) return { up: true };
  const metadata = await admin.fetchTopicMetadata({ topics: present });
  for (const topic of metadata.topics) {
    for (const p of [...topic.partitions].sort((a, b) => a.partitionId - b.partitionId)) {
      if (p.leader < 0) {
        return { up: false, reason: `${topic.name} partition ${p.partitionId} has no leader` };
      }
      if (p.isr.length < minInsync) {
        return {
          up: false,
          reason:
            `${topic.name} partition ${p.partitionId} has ${p.isr.length} in-sync replica(s), ` +
            `min.insync.replicas is ${minInsync}`,
        };
      }
    }
  }
  return { up: true };
}

/**
 * The controller's own refusals of the check below: it answered. A principal without the right
 * to create topics, or a creation policy, is refused by a controller that is up.
 */
const CONTROLLER_ANSWERS =
  /^(TOPIC_AUTHORIZATION_FAILED|CLUSTER_AUTHORIZATION_FAILED|POLICY_VIOLATION|TOPIC_ALREADY_EXISTS)$/;

/**
 * Resolves once the cluster's controller quorum answers. A broker cut off from it (two of three
 * combined KRaft nodes lost) keeps serving its last metadata, leaders and in-sync replicas that
 * are gone, so `replicaHealth` alone would say up while every `acks=all` write times out. A
 * validate-only CreateTopics is forwarded to the active controller (KIP-590) and answered at once
 * while a quorum stands; it creates nothing. It names a topic that never exists, with one
 * partition and one replica, so that a healthy cluster answers without an error (kafkajs logs
 * every error answer, and this runs on every readiness probe).
 */
export async function controllerAnswers(
  admin: Pick<Admin, 'createTopics'>,
  topic: string,
  timeoutMs: number,
): Promise<void> {
  try {
    await admin.createTopics({
      validateOnly: true,
      waitForLeaders: false,
      timeout: timeoutMs,
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
    });
  } catch (e) {
    // kafkajs gathers the per-topic errors of a CreateTopics answer in `errors`.
    const errors = (e as { errors?: { type?: string }[] }).errors ?? [e as { type?: string }];
    if (errors.length > 0 && errors.every((x) => CONTROLLER_ANSWERS.test(x.type ?? ''))) return;
    throw e;
  }
}
