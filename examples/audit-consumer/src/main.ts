import 'reflect-metadata';
import { createAuditConsumer } from './audit-consumer.app';

// An example outside the services: its settings come straight from the environment.
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const group = process.env.AUDIT_GROUP ?? 'token-lifecycle-audit';

async function main(): Promise<void> {
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
