import { ConfigError } from './config.error';
import { boolean, httpUrl, oneOf } from './env-values';

type Env = Readonly<Record<string, string | undefined>>;

export const TRACE_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TraceSampler = (typeof TRACE_SAMPLERS)[number];

/**
 * OpenTelemetry traces, from the specification's standard variables (read here, the one reader
 * of the environment, and handed to the SDK by libs/tracing). Tracing is on only when an OTLP
 * endpoint is configured: otherwise the SDK is never started and `@opentelemetry/api` answers
 * with its no-op tracer.
 */
export interface TracingConfig {
  /** Where spans are sent (OTLP/HTTP, JSON encoding); absent: tracing off. */
  readonly tracesEndpoint?: string;
  /** OTEL_EXPORTER_OTLP_HEADERS / _TRACES_HEADERS: `key=value,…` (URL-encoded values). */
  readonly headers: Readonly<Record<string, string>>;
  /** OTEL_SERVICE_NAME; the service's own name when unset. */
  readonly serviceName?: string;
  /** OTEL_RESOURCE_ATTRIBUTES: `key=value,…`. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly sampler: TraceSampler;
  /** OTEL_TRACES_SAMPLER_ARG: the ratio of the `traceidratio` samplers (default 1). */
  readonly samplerRatio: number;
}

/**
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is the full URL (used as it is);
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is the base, to which `/v1/traces` is added (OTLP exporter
 * specification). `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` turn tracing off
 * whatever the endpoint says.
 */
export function loadTracingConfig(env: Env): TracingConfig {
  const disabled =
    boolean(env.OTEL_SDK_DISABLED, 'OTEL_SDK_DISABLED', false) ||
    oneOf(env.OTEL_TRACES_EXPORTER, 'OTEL_TRACES_EXPORTER', ['otlp', 'none'], 'otlp') === 'none';
  const tracesEndpoint = disabled ? undefined : endpoint(env);
  const sampler = oneOf(
    env.OTEL_TRACES_SAMPLER,
    'OTEL_TRACES_SAMPLER',
    TRACE_SAMPLERS,
    'parentbased_always_on',
  );
  return {
    ...{},
    ...(tracesEndpoint === undefined ? {} : { tracesEndpoint }),
    headers: {
      ...{},
      ...keyValues(env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS'),
      ...keyValues(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
    },
    ...(env.OTEL_SERVICE_NAME ? { serviceName: env.OTEL_SERVICE_NAME } : {}),
    resourceAttributes: keyValues(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES'),
    sampler,
    samplerRatio: ratio(env.OTEL_TRACES_SAMPLER_ARG),
  };
}

function endpoint(env: Env): string | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces) return httpUrl(traces, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces);
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!base) return undefined;
  httpUrl(base, 'OTEL_EXPORTER_OTLP_ENDPOINT', base);
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** The W3C Baggage-like list the OTel variables use: `k1=v1,k2=v2`, values URL-encoded. */
function keyValues(v: string | undefined, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v) return out;
  for (const pair of v.split(',')) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim();
    if (at <= 0 || key === '')
      throw new ConfigError(name, 'must be a comma-separated list of key=value pairs');
    try {
      out[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // The value may be a secret (an API key header): never quoted back.
      throw new ConfigError(name, `the value of ${key} is not valid URL encoding`);
    }
  }
  return out;
}

function ratio(v: string | undefined): number {
  if (v === undefined || v === '') return 1;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new ConfigError('OTEL_TRACES_SAMPLER_ARG', `must be a number from 0 to 1, got "${v}"`);
  return n;
}
