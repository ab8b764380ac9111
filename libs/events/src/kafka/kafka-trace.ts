import { context, Span, SpanKind, trace } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';
import {
  contextFromTraceHeaders,
  inSpan,
  TraceHeaders,
  traceHeadersOf,
  tracer,
} from '@app/tracing';
import type { LifecycleEvent } from '../event-envelope';
import { TOPIC_OF } from '../topics';

/**
 * Spans of the event log (OpenTelemetry messaging conventions), and the W3C Trace Context that
 * every event carries in its Kafka headers (`traceparent`, `tracestate`: docs/asyncapi.yaml), so
 * that a consumer continues the trace of the request that wrote the event. Called only when
 * tracing is on (tracingOn()).
 */

/** A `publish` span for one event, child of the active context, and the headers it travels in. */
export function startPublishSpan(event: LifecycleEvent): {
  span: Span;
  headers: TraceHeaders | undefined;
} {
  const topic = TOPIC_OF[event.type];
  const span = tracer().startSpan(`publish ${topic}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topic,
      'messaging.message.id': event.id,
      'messaging.kafka.message.key': event.partitionkey,
      'cloudevents.event_type': event.type,
    },
  });
  return { span, headers: traceHeadersOf(trace.setSpan(context.active(), span)) };
}

/** The headers as kafkajs sends them. */
export function kafkaHeaders(h: TraceHeaders): IHeaders {
  return h.tracestate === undefined
    ? { traceparent: h.traceparent }
    : { traceparent: h.traceparent, tracestate: h.tracestate };
}

export interface Consumed {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly headers?: IHeaders;
  /** The consumer group, when there is one (the projector's, an auditor's). */
  readonly group?: string;
}

/**
 * Runs `handle` for one consumed event in a `process` span whose parent is the trace its
 * headers carry: the projector, replays and every Nest consumer continue the writer's trace. An
 * event without headers (written before tracing, or by a writer without it) starts its own.
 */
export function processInSpan<T>(
  event: LifecycleEvent,
  m: Consumed,
  handle: () => Promise<T> | T,
): Promise<T> {
  const parent = contextFromTraceHeaders((name) => m.headers?.[name]);
  return inSpan(
    `process ${m.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': m.topic,
        'messaging.destination.partition.id': String(m.partition),
        'messaging.kafka.offset': Number(m.offset),
        ...(m.group === undefined ? {} : { 'messaging.consumer.group.name': m.group }),
        'messaging.message.id': event.id,
        'cloudevents.event_type': event.type,
      },
    },
    handle,
    parent,
  );
}
