import { Logger } from '@nestjs/common';
import { AnyLifecycleEvent, LifecycleEvent } from '../event-envelope';
import { EventBus, EventHandler, EventsHealth, SubscribeOptions } from '../event-bus.port';
import { PublishMeter } from '../publish.meter';
import { TOPIC_OF } from '../topics';

/**
 * The one-process log: events are kept (up to a bound, oldest dropped) and handed to
 * subscribers in publish order. Nothing survives a restart, as nothing else in memory does.
 */
export class MemoryEventBus implements EventBus {
  private readonly logger = new Logger(MemoryEventBus.name);
  private readonly log: AnyLifecycleEvent[] = [];
  private readonly handlers: EventHandler[] = [];

  /**
   * Keeps the last `retain` events for subscribers that start from the beginning and for tests.
   * Kept short on purpose: an event that outlives two scavenges is promoted, and a log of
   * thousands under load made V8 run a full mark-compact about every second (JWT issuance at
   * 7,000/s: p99 13 ms with 1,000 events kept, 15-20 ms with 10,000, 2-3 ms with 100).
   */
  constructor(
    private readonly retain = 100,
    private readonly meter = new PublishMeter(),
  ) {}

  async publish(event: LifecycleEvent): Promise<void> {
    const startedAt = this.meter.start();
    this.log.push(event as AnyLifecycleEvent);
    // Trim in chunks: shifting a long array on every publish would cost O(n) per event.
    if (this.log.length > this.retain * 1.25) this.log.splice(0, this.log.length - this.retain);
    // Acknowledged once kept: a subscriber's failure is its own, as with Kafka.
    this.meter.acknowledged(event, startedAt);
    for (const handler of this.handlers) await this.deliver(handler, event as AnyLifecycleEvent);
  }

  async subscribe(options: SubscribeOptions, handler: EventHandler): Promise<void> {
    if (options.fromBeginning) await this.replay(handler);
    this.handlers.push(handler);
  }

  async replay(handler: EventHandler): Promise<number> {
    const events = [...this.log];
    for (const event of events) await this.deliver(handler, event);
    return events.length;
  }

  /**
   * In one process the follower is there from the start (the registry's is built before any
   * request), so what it has not seen is only what the bound dropped: nothing it needs.
   */
  async follow(topic: string, handler: EventHandler): Promise<void> {
    const onTopic: EventHandler = (e) => (TOPIC_OF[e.type] === topic ? handler(e) : undefined);
    await this.replay(onTopic);
    this.handlers.push(onTopic);
  }

  /** The retained events, oldest first (for tests and the development console). */
  events(): readonly AnyLifecycleEvent[] {
    return this.log;
  }

  async ready(): Promise<boolean> {
    return true;
  }

  async readiness(): Promise<EventsHealth> {
    return { up: true };
  }

  async close(): Promise<void> {
    this.handlers.length = 0;
  }

  private async deliver(handler: EventHandler, event: AnyLifecycleEvent): Promise<void> {
    try {
      await handler(event);
    } catch (e) {
      this.logger.error(`subscriber failed on ${event.type} ${event.id}: ${(e as Error).message}`);
    }
  }
}
