import { AnyLifecycleEvent, LifecycleEvent } from './event-envelope';

/** Whether the log can take events, and if not, why (a broker unreachable, replicas missing). */
export interface EventsHealth {
  readonly up: boolean;
  readonly reason?: string;
}

export type EventHandler = (event: AnyLifecycleEvent) => Promise<void> | void;

export interface SubscribeOptions {
  /** Consumer group: each group sees every event once; members share the partitions. */
  readonly group: string;
  /** Start from the oldest retained event when the group has no committed position. */
  readonly fromBeginning?: boolean;
  /**
   * Told after each batch how many events of that partition remain after it (the consumer's
   * lag), where the log knows; an in-process log has none.
   */
  readonly onLag?: (partition: number, behind: number) => void;
  /**
   * Told the partitions this member reads each time the group assigns them (at start, after a
   * rebalance), so that what was said of the others (their lag) can be forgotten.
   */
  readonly onAssigned?: (partitions: readonly number[]) => void;
}

/**
 * The log of record. `publish` resolves only once the event is durable (acknowledged by every
 * in-sync replica on Kafka); callers answer their client after that, never before.
 */
export interface EventBus {
  publish(event: LifecycleEvent): Promise<void>;
  /**
   * Delivers events at least once, in order per partition key; a handler that throws gets the
   * event again. Malformed messages are counted, logged and skipped.
   */
  subscribe(options: SubscribeOptions, handler: EventHandler): Promise<void>;
  /**
   * Reads the log from its oldest retained event up to its end as of the call, then stops:
   * rebuilding derived state. Resolves with the number of events handed to `handler`.
   */
  replay(handler: EventHandler): Promise<number>;
  /**
   * Reads `topic` (one that no consumer group shares: the registry's) from its oldest retained
   * event, then keeps following it, with a reader of this process's own: every process sees
   * every event, in order per partition. Resolves once every event the topic held at the call
   * has been handed to `handler`; a handler that throws gets the event again.
   */
  follow(topic: string, handler: EventHandler): Promise<void>;
  /** Whether the log can take events now. */
  ready(): Promise<boolean>;
  /** The same, with why not (readiness probes show it to the operator). */
  readiness(): Promise<EventsHealth>;
  /** Sends what is pending, then disconnects. */
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
