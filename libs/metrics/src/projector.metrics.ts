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
  private startedMs: number | undefined;

  /** `registry` null: metrics are off. */
  constructor(private readonly registry: Registry | null) {
    if (!registry) return;
    const registers = [registry];
    this.lag = new Gauge({
      name: 'token_lifecycle_projector_lag_events',
      help: 'Events on the log the projector has not applied yet, per partition, as of its last batch.',
      labelNames: ['partition'],
      registers,
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

  /**
   * The projector runs in this process: from now on the age of the newest event it applied is
   * reported (read at scrape time, so a projector that stops applying shows an age that keeps
   * growing); before its first event, the time since it started, as nothing was applied since.
   * Services without a projector do not report the age at all.
   */
  started(): void {
    if (!this.registry || this.startedMs !== undefined) return;
    this.startedMs = Date.now();
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: 'token_lifecycle_projector_newest_applied_event_age_seconds',
      help: 'Now minus the CloudEvents time of the newest event the projector applied (before the first: since it started).',
      registers: [this.registry],
      collect() {
        const since = self.newestEventMs ?? self.startedMs ?? Date.now();
        this.set(Math.max(0, (Date.now() - since) / 1000));
      },
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

  /**
   * The partitions this projector reads now (the group assigned them): the lag of any other is
   * another member's to report, and a value kept from before a rebalance would raise the
   * projector-lag alert for events someone else has applied.
   */
  assigned(partitions: readonly number[]): void {
    if (!this.lag) return;
    this.lag.reset();
    for (const p of partitions) this.lag.set({ partition: String(p) }, 0);
  }
}
