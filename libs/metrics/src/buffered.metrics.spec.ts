import { Counter, Histogram, Registry } from 'prom-client';
import { BufferedCounter } from './buffered.counter';
import { BufferedHistogram } from './buffered.histogram';
import { SeriesIndex } from './series.index';

/** An exposition as a set of lines with their labels sorted: Prometheus reads labels unordered. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^([^{ ]+)(?:\{(.*)\})? (.+)$/.exec(l)!;
      const labels = (m[2] ?? '')
        .split(/,(?=[a-z_]+=")/)
        .filter(Boolean)
        .sort();
      return `${m[1]}{${labels.join(',')}} ${m[3]}`;
    })
    .sort();
}

/** As a scrape reads them: merged with another registry, the service label on every series. */
const scrape = (r: Registry) => {
  const merged = Registry.merge([r, new Registry()]);
  merged.setDefaultLabels({ service: 'issuance' });
  return merged.metrics();
};

describe('buffered metrics', () => {
  const BOUNDS = [0.001, 0.005, 0.01, 0.1];
  const observations: [string, string, number][] = [
    ['/oauth2/token', 'POST', 0.0004],
    ['/oauth2/token', 'POST', 0.001], // on a bound: counted in it (le is "less or equal")
    ['/oauth2/token', 'POST', 0.007],
    ['/oauth2/introspect', 'POST', 0.2], // above every bound: +Inf only
    ['/oauth2/token', 'GET', 0],
    ['/oauth2/token', 'POST', 0.05],
  ];

  it('expose a histogram as prom-client does, series by series', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const labelNames = ['route', 'method'] as const;
    const sut = new BufferedHistogram('h_seconds', 'help', labelNames, BOUNDS, ours);
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'help',
      labelNames,
      buckets: BOUNDS,
      registers: [theirs],
    });
    const series = new SeriesIndex((route, method) => sut.open({ route, method }));
    for (const [route, method, v] of observations) {
      series.get(route, method).observe(v);
      reference.observe({ route, method }, v);
    }
    expect(lines(await scrape(ours))).toEqual(lines(await scrape(theirs)));
    expect(await scrape(ours)).toContain('# TYPE h_seconds histogram');
  });

  it('expose a counter as prom-client does, counts handed over at each scrape', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const labelNames = ['route', 'method'] as const;
    const sut = new BufferedCounter({ name: 'c_total', help: 'help', labelNames }, ours);
    const reference = new Counter({
      name: 'c_total',
      help: 'help',
      labelNames,
      registers: [theirs],
    });
    const series = new SeriesIndex((route, method) => sut.open({ route, method }));
    const count = (route: string, method: string) => {
      series.get(route, method).inc();
      reference.inc({ route, method });
    };
    for (const [route, method] of observations) count(route, method);
    expect(lines(await scrape(ours))).toEqual(lines(await scrape(theirs)));
    // Counted after a scrape: the next one adds it to what was handed over.
    count('/oauth2/token', 'POST');
    const text = await scrape(ours);
    expect(text).toContain('c_total{route="/oauth2/token",method="POST",service="issuance"} 5');
    expect(lines(text)).toEqual(lines(await scrape(theirs)));
  });

  it('refuse labels the metric does not have, and a value that is not a number', () => {
    const r = new Registry();
    const h = new BufferedHistogram('h2_seconds', 'help', ['route'], BOUNDS, r);
    const c = new BufferedCounter({ name: 'c2_total', help: 'help', labelNames: ['route'] }, r);
    expect(() => h.open({ path: '/' } as never)).toThrow(/labels path, not route/);
    expect(() => c.open({ path: '/' } as never)).toThrow();
    expect(() => h.open({ route: '/' }).observe(Number.NaN)).toThrow(TypeError);
  });

  it('finds one series per label values, opened once', () => {
    const opened: unknown[][] = [];
    const sut = new SeriesIndex((...labels) => {
      opened.push(labels);
      return { labels };
    });
    const a = sut.get('/oauth2/token', 'POST', 200, '');
    expect(sut.get('/oauth2/token', 'POST', 200, '')).toBe(a);
    expect(sut.get('/oauth2/token', 'POST', 400, 'invalid_client')).not.toBe(a);
    expect(sut.get('/oauth2/token', 'POST', '200', '')).not.toBe(a); // a Map tells 200 from '200'
    expect(sut.get('token.issued')).toBe(sut.get('token.issued', '', '', ''));
    expect(opened).toEqual([
      ['/oauth2/token', 'POST', 200, ''],
      ['/oauth2/token', 'POST', 400, 'invalid_client'],
      ['/oauth2/token', 'POST', '200', ''],
      ['token.issued', '', '', ''],
    ]);
  });
});
