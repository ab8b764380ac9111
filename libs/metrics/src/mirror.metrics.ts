import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the mirror metrics read at scrape time. */
export interface MirrorState {
  /** Milliseconds since the mirror was last confirmed current; Infinity before the first time. */
  staleForMs(): number;
  readonly stalenessBudgetMs: number;
  size(): number;
}

/** Seconds from the revocation written to Redis to the replica refusing its tokens. */
const LAG_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * A replica's revocation mirror (libs/store RevocationMirror, inside libs/resource-server): how
 * late revocations arrive, how long since it could vouch for being current, and how big it is.
 */
export class MirrorMetrics {
  private readonly lag: Histogram | undefined;
  private readonly readFailures: Counter | undefined;
  private readonly registry: Registry | null;

  /** `registry` null: metrics are off. */
  constructor(registry: Registry | null) {
    this.registry = registry;
    if (!registry) return;
    this.lag = new Histogram({
      name: 'token_lifecycle_revocation_mirror_lag_seconds',
      help: 'From a revocation written to the stream to this replica applying it (entries met while following).',
      buckets: LAG_BUCKETS,
      registers: [registry],
    });
    this.readFailures = new Counter({
      name: 'token_lifecycle_revocation_mirror_read_failures_total',
      help: 'Reads of the revocation stream that failed (Redis unreachable): the mirror retries.',
      registers: [registry],
    });
  }

  /** Reports `state` at every scrape; call once, when the mirror exists. */
  watch(state: MirrorState): void {
    if (!this.registry) return;
    const registers = [this.registry];
    new Gauge({
      name: 'token_lifecycle_revocation_mirror_staleness_seconds',
      help: 'Seconds since the mirror was last confirmed current; past the budget it refuses to vouch (fail-closed: 503).',
      registers,
      collect() {
        const ms = state.staleForMs();
        // Never confirmed yet: as stale as can be, which every alert threshold catches.
        this.set(Number.isFinite(ms) ? ms / 1000 : Number.MAX_SAFE_INTEGER);
      },
    });
    new Gauge({
      name: 'token_lifecycle_revocation_mirror_staleness_budget_seconds',
      help: 'The staleness budget (REVOCATION_STALENESS_BUDGET_MS) the mirror is held to.',
      registers,
      collect() {
        this.set(state.stalenessBudgetMs / 1000);
      },
    });
    new Gauge({
      name: 'token_lifecycle_revocation_mirror_entries',
      help: 'Live revocations held in memory by the mirror.',
      registers,
      collect() {
        this.set(state.size());
      },
    });
  }

  /** `writtenAtMs`: when Redis appended the entry (its stream id's time part). */
  applied(writtenAtMs: number): void {
    this.lag?.observe(Math.max(0, (Date.now() - writtenAtMs) / 1000));
  }

  readFailed(): void {
    this.readFailures?.inc();
  }
}
