import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AnyLifecycleEvent, EVENT_BUS, EventBus } from '@app/events';
import { ProjectorMetrics } from '@app/metrics';
import { LifecycleProjection } from '@app/projection';
import { PROJECTION_MARKER, ProjectionMarker } from '@app/store';

export const PROJECTOR_GROUP = 'token-lifecycle-projector';

/** A rebuild that keeps failing the same way is said again at most this often (ms). */
const REPEAT_FAILURE_LOG_MS = 60_000;

/**
 * Keeps Redis derived from the log: re-applies every lifecycle event idempotently, so a crash
 * between "event acknowledged" and "Redis written" is repaired, and a lost Redis (no projection
 * marker, at start or while running) is rebuilt by replaying the retained log.
 */
@Injectable()
export class EventProjector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(EventProjector.name);
  private watch: NodeJS.Timeout | undefined;
  private rebuilding = false;
  /** The last rebuild failure said, and when: the watch retries every second. */
  private lastFailure: { message: string; at: number; attempts: number } | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(PROJECTION_MARKER) private readonly marker: ProjectionMarker,
    private readonly projection: LifecycleProjection,
    @Optional() private readonly metrics?: ProjectorMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // With the in-memory log every write already lands in the same process: nothing to derive.
    if (!this.config.projector || !this.config.kafka) return;
    this.metrics?.started();
    // In the background: joining the group can wait out a dead member's session, and the
    // service answers meanwhile (introspection refuses to vouch until the store is built).
    // The bus's kafkajs loop, not Nest's Kafka transport: the transport applied ~0.8× the
    // events/s in the same run (docs/architecture.md, `npm run bench:projector`).
    void this.bus
      .subscribe(
        {
          group: PROJECTOR_GROUP,
          fromBeginning: true,
          onLag: (partition, behind) => this.metrics?.behind(partition, behind),
          onAssigned: (partitions) => this.metrics?.assigned(partitions),
        },
        (e) => this.apply(e),
      )
      .catch((e: Error) => this.log.error(`projector stopped: ${e.message}`));
    // A store that is empty at start, or restarts empty while we run, is rebuilt within a second.
    this.watch = setInterval(() => void this.rebuildIfLost().catch((e) => this.failed(e)), 1000);
    this.watch.unref();
    void this.rebuildIfLost().catch((e) => this.failed(e));
  }

  onApplicationShutdown(): void {
    clearInterval(this.watch);
  }

  /**
   * When the store has no projection marker (new, flushed or restarted empty), replays the whole
   * retained log into it; the marker is written only once the replay has reached the end, so
   * introspection refuses to vouch for token state until then.
   */
  async rebuildIfLost(): Promise<void> {
    if (this.rebuilding || (await this.marker.present())) return;
    this.rebuilding = true;
    try {
      // Said once per loss, not at each retry of a failing replay (failed() says those).
      if (!this.lastFailure)
        this.log.warn('the store has no projection marker: replaying the event log');
      const count = await this.bus.replay((e) => this.apply(e));
      await this.marker.mark();
      this.log.log(`store rebuilt from ${count} events`);
      this.lastFailure = undefined;
    } finally {
      this.rebuilding = false;
    }
  }

  /**
   * A replay that fails leaves introspection refusing to vouch for token state (503) until a
   * retry succeeds: the operator must hear of it. Retried every second, so the same failure is
   * said once and then once a minute with how many attempts it has cost; a new one at once.
   */
  private failed(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    const now = Date.now();
    const last = this.lastFailure;
    if (last && last.message === message && now - last.at < REPEAT_FAILURE_LOG_MS) {
      last.attempts += 1;
      return;
    }
    const attempts = last?.message === message ? last.attempts + 1 : 1;
    this.log.error(
      `rebuilding the store from the event log failed (attempt ${attempts}, retried every ` +
        `second; introspection answers 503 until it succeeds): ${message}`,
    );
    this.lastFailure = { message, at: now, attempts };
  }

  /** The one projection (libs/projection) the request paths call too. */
  async apply(e: AnyLifecycleEvent): Promise<void> {
    try {
      await this.projection.apply(e);
    } catch (err) {
      this.metrics?.applyFailed();
      throw err;
    }
    this.metrics?.eventApplied(e.type, e.time);
  }
}
