import { collectDefaultMetrics, Registry } from 'prom-client';

export { Registry };

/** Prometheus text exposition format 0.0.4: what `GET /metrics` answers with. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * Every metric of this code base is named `token_lifecycle_…` (Prometheus naming: a unit
 * suffix, `_total` on counters); Node's process metrics keep prom-client's standard names.
 */
export const METRIC_PREFIX = 'token_lifecycle_';

let processRegistry: Registry | undefined;

/**
 * Node's default process metrics (CPU, memory, heap spaces, event-loop lag, GC, handles), in a
 * registry of their own made once per process: they describe the process, not one application,
 * and each collection starts observers (GC, event-loop delay) that are never stopped. Test
 * processes boot many applications; they share these instead of adding observers every time.
 * prom-client's global default registry is never used.
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * What one scrape answers: the process metrics and the given registries, with `labels` (the
 * service name) on every series so that the standalone and split topologies read alike. A
 * merge holds the metrics registered so far: merge again for each scrape.
 */
export function scrapeRegistry(
  registries: readonly Registry[],
  labels: Readonly<Record<string, string>> = {},
): Registry {
  const merged = Registry.merge([processMetrics(), ...registries]);
  merged.setDefaultLabels(labels);
  return merged;
}
