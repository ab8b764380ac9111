import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { AnyLifecycleEvent, TOKEN_LIFECYCLE_TOPIC } from '@app/events';
import { traceIdFromHeaders } from '@app/tracing';
import { auditLine, AuditLine } from './audit-line';

/** Where audit lines go: standard output in `main.ts`, a list in the example's spec. */
export const AUDIT_SINK = Symbol('AuditSink');
export type AuditSink = (line: AuditLine) => void;

/**
 * Every lifecycle event, parsed and validated by LifecycleEventDeserializer, as one line. The
 * transport (LifecycleKafkaServer) runs this handler in the trace the event's Kafka headers
 * carry when tracing is on; the line names that trace either way.
 */
@Controller()
export class AuditConsumer {
  constructor(@Inject(AUDIT_SINK) private readonly sink: AuditSink) {}

  @EventPattern(TOKEN_LIFECYCLE_TOPIC)
  onEvent(@Payload() event: AnyLifecycleEvent, @Ctx() context: KafkaContext): void {
    const headers = context.getMessage().headers;
    this.sink(
      auditLine(
        event,
        traceIdFromHeaders((name) => headers?.[name]),
      ),
    );
  }
}
