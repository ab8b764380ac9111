import { context, SpanKind, trace } from '@opentelemetry/api';
import { contextFromTraceHeaders, failed, tracer } from '@app/tracing';
import type { RevocationFeedEntry } from '../revocation-feed.port';

/**
 * Applies one stream entry in a `revocation-mirror apply` span whose parent is the trace the
 * entry carries: the request that revoked, through its event, to this replica. Synchronous, as
 * the mirror's apply is; listeners (caches dropping what the revocation covers) run inside it.
 */
export function applyInSpan(entry: RevocationFeedEntry, apply: () => void): void {
  const parent = contextFromTraceHeaders((name) =>
    name === 'traceparent' ? entry.trace?.traceparent : entry.trace?.tracestate,
  );
  const span = tracer().startSpan(
    'revocation-mirror apply',
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'redis',
        'messaging.operation.type': 'process',
        'messaging.message.id': entry.id,
        'token_lifecycle.feed.entry': 'key' in entry ? 'key' : entry.revocation.kind,
      },
    },
    parent,
  );
  try {
    context.with(trace.setSpan(parent, span), apply);
  } catch (e) {
    failed(span, e);
    throw e;
  } finally {
    span.end();
  }
}
