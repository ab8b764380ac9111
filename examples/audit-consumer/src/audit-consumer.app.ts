import { INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { LifecycleKafkaServer } from '@app/events';
import { TracingFlush } from '@app/platform';
import { AUDIT_SINK, AuditConsumer, AuditSink } from './audit.consumer';

export interface AuditConsumerOptions {
  readonly brokers: readonly string[];
  /** The auditor's own consumer group: it sees every event once, whatever else reads the log. */
  readonly group: string;
  /** Read the retained log from its start the first time the group runs. */
  readonly fromBeginning: boolean;
  readonly sink: AuditSink;
}

/**
 * The auditor's NestJS microservice on LifecycleKafkaServer, the Kafka transport libs/events
 * exports (Nest's ServerKafka with the strict deserializer): `@EventPattern` handlers receive
 * parsed, validated events; a record that is not a lifecycle event is skipped (one warning naming
 * where it is) and the group moves past it; the group is joined exactly as named; a crashed
 * consumer subscribes again; and, when tracing is on, each event is handled in a `process` span
 * continuing the trace its Kafka headers carry (W3C Trace Context, docs/asyncapi.yaml).
 */
export async function createAuditConsumer(o: AuditConsumerOptions): Promise<INestMicroservice> {
  // TracingFlush: the spans still buffered are sent when the consumer stops (shutdown hooks).
  @Module({
    controllers: [AuditConsumer],
    providers: [{ provide: AUDIT_SINK, useValue: o.sink }, TracingFlush],
  })
  class AuditModule {}

  return NestFactory.createMicroservice<MicroserviceOptions>(AuditModule, {
    strategy: new LifecycleKafkaServer({
      client: { clientId: o.group, brokers: [...o.brokers] },
      group: o.group,
      fromBeginning: o.fromBeginning,
    }),
    logger: ['error', 'warn'],
  });
}
