import { Logger } from '@nestjs/common';
import { Admin, Kafka, KafkaConfig as KafkaClientConfig, logLevel, Partitioners } from 'kafkajs';
import { KafkaConfig } from '@app/config';
import { ProducerFactory } from './producer-session';

const log = new Logger('Kafka');

/** What the bus is built from; a spec passes fakes. */
export interface KafkaClients {
  /** Consumers (subscriptions, replays) are made from it. */
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** A new idempotent producer for each producer session (see ProducerSession). */
  readonly newProducer: ProducerFactory;
}

/** How every kafkajs client of ours connects: the bus's and the Nest transport's. */
export function kafkaClientConfig(config: KafkaConfig): KafkaClientConfig {
  return {
    clientId: config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: 1000,
    requestTimeout: Math.min(config.publishTimeoutMs, 10_000),
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => log.warn(`${entry.namespace}: ${entry.log.message}`),
  };
}

export function kafkaClients(config: KafkaConfig): KafkaClients {
  const kafka = new Kafka(kafkaClientConfig(config));
  const newProducer = () =>
    kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
  return { kafka, admin: kafka.admin(), newProducer };
}
