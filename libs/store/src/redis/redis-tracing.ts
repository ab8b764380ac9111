import { context, SpanKind, trace } from '@opentelemetry/api';
import type Redis from 'ioredis';
import { failed, tracer, tracingOn } from '@app/tracing';

/**
 * Each command sent inside a traced operation becomes a client span (`redis GET`, …, the
 * OpenTelemetry database conventions: the command name, never its keys or values, which hold
 * token digests and client ids). Commands sent outside any trace (the mirror's blocking reads,
 * health checks, the projection watch) make no span: a root span per poll would bury the
 * request traces. Installed only when tracing is on: otherwise the connection is untouched.
 * Wraps `sendCommand` as countErrors (redis-connection.ts) does; the span ends with the reply.
 */
export function traceCommands(redis: Redis, name: string): void {
  if (!tracingOn()) return;
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    const active = context.active();
    if (!trace.getSpan(active)) return send(...args);
    const command = args[0];
    const span = tracer().startSpan(
      `redis ${command.name.toUpperCase()}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'redis',
          'db.operation.name': command.name.toUpperCase(),
          'db.client.connection.name': name,
        },
      },
      active,
    );
    const { resolve, reject } = command;
    command.resolve = (result: unknown) => {
      span.end();
      resolve(result);
    };
    command.reject = (e: Error) => {
      failed(span, e);
      span.end();
      reject(e);
    };
    return send(...args);
  }) as Redis['sendCommand'];
}
