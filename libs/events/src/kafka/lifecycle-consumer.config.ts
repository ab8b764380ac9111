import type { ConsumerConfig } from 'kafkajs';

/**
 * How every consumer of the lifecycle log fetches: the bus's own (subscriptions, replays) and the
 * Nest transport's (LifecycleKafkaServer), so that both fetch in the same bulk.
 */
export function lifecycleConsumerConfig(groupId: string) {
  return {
    groupId,
    // The broker's minimum: a crashed member's partitions move on after 6 s, not 30.
    heartbeatInterval: 1000,
    sessionTimeout: 6000,
    // Under load the broker answers a fetch once 64 KiB are there rather than for every few
    // events: far fewer fetches for both sides to serve. Quiet, an event waits at most
    // maxWaitTimeInMs, and a consumer closes (shutdown, end of replay) without waiting 5 s.
    minBytes: 64 * 1024,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  } satisfies ConsumerConfig;
}
