import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { APP_CONFIG, AppConfig, LoadSheddingConfig } from '@app/config';

/** Samples below half the bound, in a row, that end shedding: a single quiet tick is not calm. */
const CALM_SAMPLES = 3;

/**
 * Event-loop lag watch (SHED_EVENT_LOOP_LAG_MS). A request that arrives while the loop is behind
 * waits behind everything queued before it; past some lag every caller times out and retries,
 * and the queue only grows. So once a sample of the lag reaches the bound, new requests are
 * answered 503 with Retry-After at once (the shedding hook) and readiness reports unready, until
 * the lag stays under half the bound for a few samples (hysteresis: no flapping at the edge).
 *
 * The lag is measured as a timer's lateness: one unref'd interval timer, a few per second, so
 * the watch itself costs nothing measurable. Off (no timer, no hook) when the bound is 0.
 */
@Injectable()
export class LoadShedder implements OnModuleInit, OnApplicationShutdown {
  private readonly config: LoadSheddingConfig;
  private timer?: NodeJS.Timeout;
  private calm = 0;
  private lastLagMs = 0;
  /** Whether new requests are refused now. */
  shedding = false;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'loadShedding'>) {
    this.config = config.loadShedding;
  }

  get enabled(): boolean {
    return this.config.lagMs > 0;
  }

  get retryAfterSeconds(): number {
    return this.config.retryAfterSeconds;
  }

  /** The most recent lag sample, in milliseconds (for readiness). */
  get lagMs(): number {
    return this.lastLagMs;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    // Sample often enough to react within half the bound; never more than every 5 ms.
    const every = Math.max(5, Math.min(100, Math.floor(this.config.lagMs / 2)));
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.observe(Math.max(0, now - last - every));
      last = now;
    }, every);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One lag sample: starts shedding at the bound, ends it after CALM_SAMPLES calm samples. */
  observe(lagMs: number): void {
    this.lastLagMs = lagMs;
    if (lagMs >= this.config.lagMs) {
      this.shedding = true;
      this.calm = 0;
    } else if (this.shedding && lagMs < this.config.lagMs / 2 && ++this.calm >= CALM_SAMPLES) {
      this.shedding = false;
      this.calm = 0;
    }
  }
}
