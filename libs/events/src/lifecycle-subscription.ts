import { SubscribeOptions } from './event-bus.port';

/**
 * Provided by a feature module whose controllers have `@EventPattern(TOKEN_LIFECYCLE_TOPIC)`
 * handlers (the revocation service's projector): the consumer group they run in. Where the
 * process runs them (PROJECTOR, a Kafka log), the platform connects a LifecycleKafkaServer
 * with it.
 */
export const LIFECYCLE_SUBSCRIPTION = Symbol('LifecycleSubscription');
export type LifecycleSubscription = SubscribeOptions;
