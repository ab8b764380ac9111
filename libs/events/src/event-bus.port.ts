import { LifecycleEvent } from './event-envelope';

export type EventHandler = (event: LifecycleEvent) => Promise<void> | void;

/**
 * The log of record. `publish` resolves only once the event is durable (acknowledged by every
 * in-sync replica on Kafka); callers answer their client after that, never before.
 */
export interface EventBus {
  publish(event: LifecycleEvent): Promise<void>;
  /** Delivers every event published from now on, at least once, in order per partition key. */
  subscribe(handler: EventHandler): void;
  close(): Promise<void>;
}

export const EVENT_BUS = Symbol('EventBus');
export const EVENT_FACTORY = Symbol('EventFactory');

/** The bus could not make an event durable; the request that caused it must fail with 503. */
export class EventBusUnavailable extends Error {
  constructor(cause?: unknown) {
    super('the event log is unavailable', { cause });
    this.name = 'EventBusUnavailable';
  }
}
