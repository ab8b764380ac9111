import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { AnyLifecycleEvent, TOKEN_LIFECYCLE_TOPIC } from '@app/events';
import { auditLine, AuditLine } from './audit-line';

/** Where audit lines go: standard output in `main.ts`, a list in the example's spec. */
export const AUDIT_SINK = Symbol('AuditSink');
export type AuditSink = (line: AuditLine) => void;

/** Every lifecycle event, parsed and validated by LifecycleEventDeserializer, as one line. */
@Controller()
export class AuditConsumer {
  constructor(@Inject(AUDIT_SINK) private readonly sink: AuditSink) {}

  @EventPattern(TOKEN_LIFECYCLE_TOPIC)
  onEvent(@Payload() event: AnyLifecycleEvent): void {
    this.sink(auditLine(event));
  }
}
