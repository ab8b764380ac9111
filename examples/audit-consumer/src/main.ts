import 'reflect-metadata';
import { loadTracingConfig } from '@app/config';
import { startTracing } from '@app/tracing';
import { createAuditConsumer } from './audit-consumer.app';

// An example outside the services: its settings come straight from the environment.
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const group = process.env.AUDIT_GROUP ?? 'token-lifecycle-audit';

async function main(): Promise<void> {
  // OTEL_EXPORTER_OTLP_ENDPOINT (and the other standard variables) as the services read them:
  // with one, each event is handled in a span of the trace that wrote it.
  startTracing(loadTracingConfig(process.env), { service: 'audit-consumer' });
  const app = await createAuditConsumer({
    brokers,
    group,
    fromBeginning: process.env.AUDIT_FROM_BEGINNING !== 'false',
    sink: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
  });
  app.enableShutdownHooks();
  await app.listen();
}

void main();
