import { Registry } from 'prom-client';
import { EventMetrics } from './event.metrics';
import { HttpRequestMetrics } from './http-request.metrics';
import { LifecycleMetrics } from './lifecycle.metrics';
import { scrapeRegistry } from './metrics.registry';
import { ProjectorMetrics } from './projector.metrics';
import { StoreMetrics } from './store.metrics';

/**
 * Every metric of one service application, in a registry of its own: each application (and
 * each of the several a test process boots) counts only what it did. Disabled, no metric is
 * created and every update is a no-op.
 */
export class ServiceMetrics {
  readonly registry: Registry | null;
  readonly http: HttpRequestMetrics;
  readonly lifecycle: LifecycleMetrics;
  readonly events: EventMetrics;
  readonly projector: ProjectorMetrics;
  readonly store: StoreMetrics;

  /** `labelledClients`: METRICS_CLIENT_LABELS, the clients the lifecycle counters name. */
  constructor(
    readonly service: string,
    enabled = true,
    labelledClients: readonly string[] = [],
  ) {
    this.registry = enabled ? new Registry() : null;
    this.http = new HttpRequestMetrics(this.registry);
    this.lifecycle = new LifecycleMetrics(this.registry, labelledClients);
    this.events = new EventMetrics(this.registry);
    this.projector = new ProjectorMetrics(this.registry);
    this.store = new StoreMetrics(this.registry);
  }

  get enabled(): boolean {
    return this.registry !== null;
  }

  /** The Prometheus text of this service and of its process, each series labelled `service`. */
  async scrape(): Promise<string> {
    if (!this.registry) throw new Error('metrics are disabled');
    // Merged at each scrape: a metric registered later (a projector started) is included.
    return scrapeRegistry([this.registry], { service: this.service }).metrics();
  }
}
