import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { processMetrics } from './metrics.registry';
import { MirrorMetrics } from './mirror.metrics';
import { ServiceMetrics } from './service.metrics';
import { StoreMetrics } from './store.metrics';

/**
 * The contract between what operators read (docs/observability, the README table) and the
 * registries: every metric and label the dashboard and the alert rules use exists, and the
 * README documents exactly the metrics there are. A renamed metric fails here, not in the
 * middle of an incident.
 */

const ROOT = join(__dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Described {
  readonly type: string;
  readonly labels: ReadonlySet<string>;
}

/** Labels every series may carry besides its own: ours, Prometheus's, and histograms' `le`. */
const COMMON_LABELS = ['service', 'instance', 'job'];

function catalogue(): Map<string, Described> {
  const service = new ServiceMetrics('spec');
  // A projector's service reports its event age too.
  service.projector.started();
  const library = new Registry();
  new MirrorMetrics(library).watch({
    staleForMs: () => 0,
    stalenessBudgetMs: 2000,
    size: () => 0,
  });
  new StoreMetrics(library);
  const all = new Map<string, Described>();
  for (const registry of [service.registry!, library, processMetrics()])
    for (const m of registry.getMetricsAsArray()) {
      const { name, type, labelNames } = m as unknown as {
        name: string;
        type: string;
        labelNames: string[];
      };
      all.set(name, { type, labels: new Set(labelNames) });
    }
  return all;
}

/** The series names a metric exposes: a histogram's `_bucket`, `_sum` and `_count`. */
function seriesNames(metrics: Map<string, Described>): Map<string, Described> {
  const series = new Map<string, Described>();
  for (const [name, d] of metrics) {
    if (d.type !== 'histogram') series.set(name, d);
    else {
      series.set(`${name}_bucket`, { ...d, labels: new Set([...d.labels, 'le']) });
      series.set(`${name}_sum`, d);
      series.set(`${name}_count`, d);
    }
  }
  return series;
}

const METRIC_USE = /\b((?:token_lifecycle|process|nodejs)_[a-zA-Z0-9_]+)\b(\{([^}]*)\})?/g;
const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g;
const GROUPING = /\b(?:by|on|without|ignoring)\s*\(([^)]*)\)/g;

/** What a PromQL expression refers to: the series, with the labels matched on each. */
function uses(expr: string): { name: string; matchers: string[]; grouping: string[] }[] {
  const grouping = [...expr.matchAll(GROUPING)].flatMap((g) =>
    g[1]!
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  return [...expr.matchAll(METRIC_USE)].map((m) => ({
    name: m[1]!,
    matchers: [...(m[3] ?? '').matchAll(MATCHER)].map((x) => x[1]!),
    grouping,
  }));
}

function checkExpression(expr: string, series: Map<string, Described>): string[] {
  const found = uses(expr);
  const problems: string[] = [];
  if (found.length === 0) problems.push(`no metric in: ${expr}`);
  for (const use of found) {
    const d = series.get(use.name);
    if (!d) {
      problems.push(`unknown metric ${use.name}`);
      continue;
    }
    for (const label of use.matchers)
      if (!d.labels.has(label) && !COMMON_LABELS.includes(label))
        problems.push(`${use.name} has no label ${label}`);
  }
  // A grouping label must exist on one of the series the expression reads.
  for (const label of found[0]?.grouping ?? [])
    if (!COMMON_LABELS.includes(label) && !found.some((u) => series.get(u.name)?.labels.has(label)))
      problems.push(`no series of "${expr}" has the label ${label}`);
  return problems;
}

function dashboardExpressions(): string[] {
  interface Panel {
    readonly targets?: { readonly expr: string }[];
    readonly panels?: Panel[];
  }
  const doc = JSON.parse(read('docs/observability/grafana-dashboard.json')) as {
    panels: Panel[];
    templating: { list: { query?: { query: string } | string }[] };
  };
  const walk = (panels: Panel[]): string[] =>
    panels.flatMap((p) => [...(p.targets ?? []).map((t) => t.expr), ...walk(p.panels ?? [])]);
  const variables = doc.templating.list
    .map((v) => (typeof v.query === 'object' ? v.query.query : undefined))
    .filter((q): q is string => q !== undefined && q.includes('('));
  return [...walk(doc.panels), ...variables];
}

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
}

function alertRules(): AlertRule[] {
  const doc = parse(read('docs/observability/prometheus-alerts.yaml')) as {
    groups: { rules: AlertRule[] }[];
  };
  return doc.groups.flatMap((g) => g.rules);
}

describe('observability documents', () => {
  const metrics = catalogue();
  const series = seriesNames(metrics);

  it('the Grafana dashboard reads only metrics and labels that exist', () => {
    const exprs = dashboardExpressions();
    expect(exprs.length).toBeGreaterThan(10);
    expect(exprs.flatMap((e) => checkExpression(e, series))).toEqual([]);
  });

  it('the alert rules read only metrics and labels that exist', () => {
    const rules = alertRules();
    expect(rules.flatMap((r) => checkExpression(r.expr, series))).toEqual([]);
  });

  it('the alert rules cover a stale mirror, projector lag, publish failures and the 5xx rate', () => {
    const byName = new Map(alertRules().map((r) => [r.alert, r.expr]));
    expect(byName.get('RevocationMirrorStale')).toContain(
      'token_lifecycle_revocation_mirror_staleness_seconds',
    );
    expect(byName.get('ProjectorLagging')).toContain('token_lifecycle_projector_lag_events');
    expect(byName.get('EventPublishFailures')).toContain(
      'token_lifecycle_event_publish_failures_total',
    );
    expect(byName.get('High5xxRate')).toMatch(
      /token_lifecycle_http_requests_total\{status=~"5\.\."\}/,
    );
  });

  it('every metric the dashboard and the rules use is exposed, and every one of ours is used', () => {
    const used = new Set(
      [...dashboardExpressions(), ...alertRules().map((r) => r.expr)].flatMap((e) =>
        uses(e).map((u) => u.name.replace(/_(bucket|sum|count)$/, '')),
      ),
    );
    const ours = [...metrics.keys()].filter((n) => n.startsWith('token_lifecycle_'));
    expect(ours.filter((n) => !used.has(n))).toEqual([]);
  });

  it('the scrape configuration loads the alert rules and scrapes every service of docker-compose', () => {
    const scrape = parse(read('docs/observability/prometheus-scrape.yaml')) as {
      rule_files: string[];
      scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[];
    };
    expect(scrape.rule_files).toEqual(['prometheus-alerts.yaml']);
    const compose = parse(read('docker-compose.yml')) as {
      services: Record<string, { environment?: { PORT?: string }; profiles?: string[] }>;
    };
    // The default topology (`docker compose up`); the `ha` profile's services are not scraped.
    const services = Object.entries(compose.services)
      .filter(([, s]) => s.environment?.PORT && !s.profiles)
      .map(([name, s]) => `${name}:${s.environment!.PORT}`);
    const targets = scrape.scrape_configs.flatMap((c) => {
      expect(c.metrics_path).toBe('/metrics');
      return c.static_configs.flatMap((t) => t.targets);
    });
    expect(targets.sort()).toEqual(services.sort());
  });

  it('the README table documents exactly the metrics of the registries, with their types and labels', () => {
    const rows = read('README.md')
      .split('\n')
      .filter((l) => l.startsWith('| `token_lifecycle_'))
      .map((l) => l.split('|').map((c) => c.trim()));
    const documented = new Map(
      rows.map((r) => [
        r[1]!.replace(/`/g, ''),
        { type: r[2]!, labels: [...r[3]!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).sort() },
      ]),
    );
    const actual = new Map(
      [...metrics]
        .filter(([n]) => n.startsWith('token_lifecycle_'))
        .map(([n, d]) => [n, { type: d.type, labels: [...d.labels].sort() }]),
    );
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });
});
