import { Registry } from 'prom-client';
import { BufferedCounter, CounterSeries } from './buffered.counter';
import { BufferedHistogram, HistogramSeries } from './buffered.histogram';
import { SeriesIndex } from './series.index';

/**
 * Seconds. Finer below 10 ms, where the hot endpoints answer (the target is a p99 of 5 ms at
 * half peak); up to 10 s, past the longest wait a client allows.
 */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The route label of a request that matched no route (a 404 from the router). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Requests per endpoint by outcome and their latency. Every label is bounded by the code, not
 * by callers: the route template, the method, the status and the RFC `error` code; never a
 * client id, a token or a URL.
 */
export class HttpRequestMetrics {
  // Buffered: observed on every request, where prom-client's own metrics cost about 5 % of the
  // throughput of the cheapest endpoints (bench/lib/metrics-cost.js).
  private readonly requests: SeriesIndex<CounterSeries<string>> | undefined;
  private readonly duration: SeriesIndex<HistogramSeries<string>> | undefined;

  /** `registry` null: metrics are off, and observing costs nothing. */
  constructor(registry: Registry | null) {
    if (!registry) return;
    const requests = new BufferedCounter(
      {
        name: 'token_lifecycle_http_requests_total',
        help: 'HTTP requests answered, by route template, method, status and RFC error code.',
        labelNames: ['route', 'method', 'status', 'error'],
      },
      registry,
    );
    const duration = new BufferedHistogram(
      'token_lifecycle_http_request_duration_seconds',
      'From the request arriving to the last byte of the answer written, by route template.',
      ['route', 'method'],
      LATENCY_BUCKETS,
      registry,
    );
    this.requests = new SeriesIndex((route, method, status, error) =>
      requests.open({ route, method, status, error }),
    );
    this.duration = new SeriesIndex((route, method) => duration.open({ route, method }));
  }

  get enabled(): boolean {
    return this.requests !== undefined;
  }

  /**
   * One answered request. `route`: the route template (`/admin/grants/:grantId`), never the
   * URL; undefined when no route matched. `error`: the RFC error code of the answer
   * (`invalid_client`), undefined on success. Positional, as it runs on every request.
   */
  observe(
    route: string | undefined,
    method: string,
    status: number,
    error: string | undefined,
    seconds: number,
  ): void {
    if (!this.requests || !this.duration) return;
    const r = route ?? UNMATCHED_ROUTE;
    this.requests.get(r, method, status, error ?? '').inc();
    this.duration.get(r, method).observe(seconds);
  }
}
