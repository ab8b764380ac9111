import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  Sampler,
  SimpleSpanProcessor,
  SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { TraceSampler, TracingConfig } from '@app/config';
import { markTracing } from './tracer';

let provider: NodeTracerProvider | undefined;

export interface TracingOptions {
  /** Names the process's spans (`service.name`) unless OTEL_SERVICE_NAME does. */
  readonly service: string;
  /**
   * Spans go here, one by one as they end, instead of to the configured OTLP endpoint: a test's
   * InMemorySpanExporter. Tracing starts with it whatever the configuration says.
   */
  readonly exporter?: SpanExporter;
}

/**
 * Starts the OpenTelemetry SDK for this process, before the application is built, when an
 * exporter is configured (OTEL_EXPORTER_OTLP_ENDPOINT or _TRACES_ENDPOINT, read by libs/config)
 * or given; otherwise does nothing and the API stays on its no-op tracer. Registers the global
 * tracer provider, the W3C Trace Context propagator and Node's AsyncLocalStorage context
 * manager (what carries the active span across awaits). Starting twice keeps the first.
 * Returns whether tracing is on.
 */
export function startTracing(config: TracingConfig, options: TracingOptions): boolean {
  if (provider) return true;
  const exporter = options.exporter ?? otlpExporter(config);
  if (!exporter) return false;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      ...{},
      ...config.resourceAttributes,
      'service.name': config.serviceName ?? options.service,
    }),
    sampler: sampler(config.sampler, config.samplerRatio),
    spanProcessors: [
      options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter),
    ],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  markTracing(true);
  return true;
}

/** Sends the spans still buffered (a service's shutdown hook); nothing when tracing is off. */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

/** Flushes and unregisters the SDK: the API is back on its no-op tracer. */
export async function stopTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  markTracing(false);
  if (!p) return;
  await p.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
}

/**
 * OTLP over HTTP (JSON encoding) to the configured URL, with the configured headers. The exporter
 * reads the other OTEL_EXPORTER_OTLP_* variables itself (TIMEOUT, COMPRESSION, CERTIFICATE,
 * CLIENT_KEY, CLIENT_CERTIFICATE and their _TRACES_ forms): README "Traces".
 */
function otlpExporter(config: TracingConfig): SpanExporter | undefined {
  if (!config.tracesEndpoint) return undefined;
  return new OTLPTraceExporter({ url: config.tracesEndpoint, headers: { ...config.headers } });
}

function sampler(name: TraceSampler, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}
