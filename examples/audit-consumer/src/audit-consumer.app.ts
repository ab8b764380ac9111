import { INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { LifecycleEventDeserializer } from '@app/events';
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
 * The auditor's NestJS microservice: Nest's own Kafka transport, with the deserializer that
 * libs/events exports, so that `@EventPattern` handlers receive parsed, validated events. A
 * record that is not a lifecycle event is skipped (one warning, then Nest's "no matching event
 * handler"), never handed to a handler, and the group moves past it.
 */
export async function createAuditConsumer(o: AuditConsumerOptions): Promise<INestMicroservice> {
  @Module({ controllers: [AuditConsumer], providers: [{ provide: AUDIT_SINK, useValue: o.sink }] })
  class AuditModule {}

  return NestFactory.createMicroservice<MicroserviceOptions>(AuditModule, {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: o.group, brokers: [...o.brokers] },
      consumer: { groupId: o.group, allowAutoTopicCreation: false },
      // The group as named, not `<group>-server`.
      postfixId: '',
      subscribe: { fromBeginning: o.fromBeginning },
      // The deserializer reads the raw bytes with the strict parser (no JSON.parse before it).
      parser: { keepBinary: true },
      deserializer: new LifecycleEventDeserializer(),
    },
    logger: ['error', 'warn'],
  });
}
