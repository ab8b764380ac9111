import { Histogram, LabelValues, Registry } from 'prom-client';

/** One line of the exposition, as prom-client's metrics answer `get()`. */
export interface HistogramValue {
  readonly labels: Readonly<Record<string, string | number | undefined>>;
  readonly value: number;
  readonly metricName: string;
}

/** One series of a BufferedHistogram, kept by its caller. */
export class HistogramSeries<T extends string> {
  /** Per bucket, the observations above the previous bound and up to this one's. */
  readonly buckets: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: LabelValues<T>,
    private readonly bounds: readonly number[],
  ) {
    this.buckets = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError('a histogram observes finite values only');
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i += 1;
    if (i < b.length) this.buckets[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

/**
 * A Prometheus histogram for the request path, in prom-client's registry beside its own
 * metrics. prom-client's `Histogram.observe(labels, v)` validates and hashes the label object
 * on every call, and its buckets cannot be filled in bulk (so values kept elsewhere cannot be
 * handed over at a scrape, as BufferedCounter does). Here the caller keeps each series it
 * opened (SeriesIndex), observing costs a few comparisons and additions, and `get()` answers
 * what prom-client's Histogram answers (`_bucket` cumulative per `le`, `+Inf`, `_sum`,
 * `_count`): the registry renders it like any of its metrics (buffered.metrics.spec.ts holds
 * the two expositions equal).
 */
export class BufferedHistogram<T extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series: HistogramSeries<T>[] = [];
  private readonly bounds: readonly number[];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly T[],
    buckets: readonly number[],
    registry: Registry,
  ) {
    this.bounds = [...buckets].sort((a, b) => a - b);
    registry.registerMetric(this as unknown as Histogram<T>);
  }

  /** A new series of `labels` (exactly the label names, as prom-client requires): the caller keeps it. */
  open(labels: LabelValues<T>): HistogramSeries<T> {
    const given = Object.keys(labels);
    if (
      given.length !== this.labelNames.length ||
      given.some((l) => !this.labelNames.includes(l as T))
    )
      throw new Error(`${this.name}: labels ${given.join(',')}, not ${this.labelNames.join(',')}`);
    const series = new HistogramSeries(labels, this.bounds);
    this.series.push(series);
    return series;
  }

  /** What prom-client's Histogram answers for the same observations. */
  get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: HistogramValue[];
  }> {
    const values: HistogramValue[] = [];
    const [bucket, sum, count] = ['_bucket', '_sum', '_count'].map((x) => this.name + x);
    for (const s of this.series) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += s.buckets[i]!;
        values.push({ labels: { le, ...s.labels }, value: acc, metricName: bucket! });
      });
      values.push(
        { labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: bucket! },
        { labels: { ...s.labels }, value: s.sum, metricName: sum! },
        { labels: { ...s.labels }, value: s.count, metricName: count! },
      );
    }
    const { name, help } = this;
    return Promise.resolve({ name, help, type: 'histogram', aggregator: 'sum', values });
  }

  reset(): void {
    for (const s of this.series) {
      s.buckets.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
