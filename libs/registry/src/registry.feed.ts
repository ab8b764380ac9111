import { Logger } from '@nestjs/common';
import { AnyLifecycleEvent, EventBus, LifecycleEvent, REGISTRY_TOPIC } from '@app/events';
import { ClientRegistry } from './client.registry';
import { isRegistryEvent, RegistryEvent } from './registry.snapshot';

/** How long a writer waits for its own event to come back before applying it itself. */
export const FEED_APPLY_TIMEOUT_MS = 5000;

/**
 * The log-backed adapter: this process's registry follows `oauth.registry.v1` (a reader of its
 * own, so every replica sees every change, like the revocation mirror), reading it whole at start
 * before the process serves anything. A write is acknowledged by the log, then waited for here:
 * it comes back through the same reader, in log order, so a change racing another replica's is
 * applied in the order every replica applies it. In one process (the in-memory log) the event
 * comes back before `publish` resolves.
 */
export class RegistryFeed {
  private readonly log = new Logger('Registry');
  private readonly waiting = new Map<string, () => void>();

  constructor(
    private readonly registry: ClientRegistry,
    private readonly bus: EventBus,
    private readonly applyTimeoutMs = FEED_APPLY_TIMEOUT_MS,
  ) {}

  /** Resolves once every change the log held at start is applied. */
  start(): Promise<void> {
    return this.bus.follow(REGISTRY_TOPIC, (e) => this.applied(e));
  }

  /** Resolves once the log has acknowledged `event` and this process's snapshot applied it. */
  async publish(event: LifecycleEvent<RegistryEvent['type']>): Promise<void> {
    let applied!: () => void;
    const back = new Promise<boolean>((resolve) => (applied = () => resolve(true)));
    this.waiting.set(event.id, applied);
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.bus.publish(event);
      const late = new Promise<boolean>((r) => (timer = setTimeout(r, this.applyTimeoutMs, false)));
      if (await Promise.race([back, late])) return;
      // Acknowledged, so certain: answer with it in effect here, the reader catching up later.
      this.log.warn(`${event.type} ${event.subject} not back from the log yet: applied directly`);
      this.registry.apply(event as RegistryEvent);
    } finally {
      clearTimeout(timer);
      this.waiting.delete(event.id);
    }
  }

  private applied(event: AnyLifecycleEvent): void {
    if (!isRegistryEvent(event)) return;
    this.registry.apply(event);
    this.waiting.get(event.id)?.();
  }
}
