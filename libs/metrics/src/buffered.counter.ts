import { Counter, CounterConfiguration, LabelValues, Registry } from 'prom-client';

/** One series of a BufferedCounter: what it counted since the last scrape. */
export class CounterSeries<T extends string> {
  n = 0;
  constructor(readonly labels: LabelValues<T>) {}

  inc(): void {
    this.n += 1;
  }
}

/**
 * A prom-client Counter for the request path. `Counter.inc(labels)` validates and hashes the
 * label object on every call, a few times per request; here the caller keeps each series it
 * opened (SeriesIndex finds it by its label values, building no key), counting costs an
 * addition, and the counts are handed to the Counter when a scrape collects it (`collect`,
 * prom-client's hook for values kept elsewhere). The exposition is the Counter's own.
 */
export class BufferedCounter<T extends string> {
  private readonly series: CounterSeries<T>[] = [];
  private readonly counter: Counter<T>;

  constructor(
    config: Pick<CounterConfiguration<T>, 'name' | 'help' | 'labelNames'>,
    registry: Registry,
  ) {
    this.counter = new Counter({
      ...{},
      ...config,
      registers: [registry],
      collect: () => this.flush(),
    });
  }

  /** A new series of `labels` (one per label set: the caller keeps it), checked by prom-client now. */
  open(labels: LabelValues<T>): CounterSeries<T> {
    this.counter.inc(labels, 0);
    const series = new CounterSeries(labels);
    this.series.push(series);
    return series;
  }

  private flush(): void {
    for (const s of this.series)
      if (s.n > 0) {
        this.counter.inc(s.labels, s.n);
        s.n = 0;
      }
  }
}
