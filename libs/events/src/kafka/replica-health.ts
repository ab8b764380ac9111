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
