import { Counter, Gauge, Registry } from 'prom-client';

/**
 * The Kafka → Redis projector: how far behind the log it is, in events (per partition, after
 * each batch it applied) and in time (the age of the newest event it applied).
 */
export class ProjectorMetrics {
  private readonly lag: Gauge<'partition'> | undefined;
  private readonly applied: Counter<'type'> | undefined;
  private readonly failures: Counter | undefined;
  private newestEventMs: number | undefined;

  /** `registry` null: metrics are off. */
  constructor(registry: Registry | null) {
    if (!registry) return;
    const registers = [registry];
    this.lag = new Gauge({
      name: 'token_lifecycle_projector_lag_events',
      help: 'Events on the log the projector has not applied yet, per partition, as of its last batch.',
      labelNames: ['partition'],
      registers,
    });
    // Read at scrape time: a projector that stops applying shows an age that keeps growing.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: 'token_lifecycle_projector_newest_applied_event_age_seconds',
      help: 'Age (now minus its CloudEvents time) of the newest event the projector applied; absent before the first.',
      registers,
      collect() {
        if (self.newestEventMs === undefined) this.reset();
        else this.set(Math.max(0, (Date.now() - self.newestEventMs) / 1000));
      },
    });
    this.applied = new Counter({
      name: 'token_lifecycle_projector_events_applied_total',
      help: 'Events the projector applied to the store, by event type.',
      labelNames: ['type'],
      registers,
    });
    this.failures = new Counter({
      name: 'token_lifecycle_projector_apply_failures_total',
      help: 'Events the projector failed to apply (the store refused): each is delivered again.',
      registers,
    });
  }

  /** `time`: the event's CloudEvents `time` (RFC 3339). */
  eventApplied(type: string, time: string): void {
    if (!this.applied) return;
    this.applied.inc({ type });
    const ms = Date.parse(time);
    if (Number.isFinite(ms) && (this.newestEventMs === undefined || ms > this.newestEventMs))
      this.newestEventMs = ms;
  }

  applyFailed(): void {
    this.failures?.inc();
  }

  behind(partition: number, events: number): void {
    this.lag?.set({ partition: String(partition) }, Math.max(0, events));
  }
}
