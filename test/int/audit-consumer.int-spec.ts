import { INestMicroservice, Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Producer } from 'kafkajs';
import { loadConfig, loadTracingConfig } from '@app/config';
import { startTracing, stopTracing } from '@app/tracing';
import { EventFactory, KafkaEventBus, TOKEN_LIFECYCLE_TOPIC } from '@app/events';
import { createAuditConsumer } from '../../examples/audit-consumer/src/audit-consumer.app';
import { AuditLine } from '../../examples/audit-consumer/src/audit-line';
import { eventually } from '../support/int-eventually';
import { brokers, kafkaClient, uniqueName } from '../support/int-kafka';

jest.setTimeout(60_000);

/**
 * README "Consuming the events": the example auditor's microservice (Nest's Kafka transport
 * with the deserializer libs/events exports) on the real broker, so that the example cannot rot.
 */
describe('examples/audit-consumer', () => {
  const run = uniqueName('int-audit');
  const factory = new EventFactory(`urn:token-lifecycle:${run}`);
  const lines: AuditLine[] = [];
  let app: INestMicroservice;
  let producer: Producer;
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    // As main.ts starts it with OTEL_EXPORTER_OTLP_ENDPOINT set: here on an in-memory exporter.
    expect(startTracing(loadTracingConfig({}), { service: 'int-audit', exporter })).toBe(true);
    // The topic as the services create it (the first of them to start): with their partitions.
    const kafka = loadConfig({ KAFKA_BROKERS: brokers().join(','), KAFKA_CLIENT_ID: run }).kafka!;
    await (await KafkaEventBus.connect(kafka)).close();
    producer = kafkaClient(`${run}-producer`).producer({ idempotent: true });
    [app] = await Promise.all([
      createAuditConsumer({
        brokers: brokers(),
        group: run,
        fromBeginning: true,
        sink: (line) => void lines.push(line),
      }),
      producer.connect(),
    ]);
    await app.listen();
  });

  afterAll(async () => {
    await Promise.allSettled([app?.close(), producer?.disconnect()]);
    await stopTracing();
  });

  /** A JWT's issue: no hot state, so other suites' projectors replaying the log write nothing. */
  const issued = (jti: string) =>
    factory.create('token.issued', jti, `${run}-client`, {
      jti,
      client_id: `${run}-client`,
      sub: `${run}-client`,
      aud: 'https://orders.test.example',
      scope: 'orders:read',
      grant_type: 'client_credentials',
      format: 'jwt',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
    });

  it('prints one line per published event, skipping a record that is not one and going on', async () => {
    // Nest logs "no matching event handler" for the skipped record; the spec keeps its output.
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const before = issued(`${run}-before`);
    const after = issued(`${run}-after`);
    const key = `${run}-client`;
    // One key, so one partition: the poison record sits between the two events.
    const [sent] = await producer.send({
      topic: TOKEN_LIFECYCLE_TOPIC,
      acks: -1,
      messages: [
        { key, value: JSON.stringify(before) },
        { key, value: `{"specversion":"1.0","id":"${run}-poison"` },
        { key, value: JSON.stringify(after) },
      ],
    });

    const ours = await eventually(
      'both events printed',
      async () => lines.filter((l) => l.subject.startsWith(run)),
      (found) => found.length >= 2,
      { timeoutMs: 30_000 },
    );
    expect(ours).toEqual([
      {
        time: before.time,
        type: 'token.issued',
        id: before.id,
        subject: `${run}-before`,
        client_id: `${run}-client`,
        sub: `${run}-client`,
      },
      {
        time: after.time,
        type: 'token.issued',
        id: after.id,
        subject: `${run}-after`,
        client_id: `${run}-client`,
        sub: `${run}-client`,
      },
    ]);
    // The skip named where the record is, not its value.
    const poisonAt = `${TOKEN_LIFECYCLE_TOPIC}/${sent!.partition}@${BigInt(sent!.baseOffset!) + 1n}`;
    const skips = warnings.mock.calls.map(([m]) => String(m));
    expect(skips).toContainEqual(
      expect.stringContaining(`skipped malformed event ${poisonAt}: json`),
    );
    expect(skips.join('\n')).not.toContain(`${run}-poison`);
    errors.mockRestore();
    warnings.mockRestore();
  });

  it("continues the writer's trace: the line names it, the handling is a span of it", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const writerSpan = '00f067aa0ba902b7';
    const event = issued(`${run}-traced`);
    await producer.send({
      topic: TOKEN_LIFECYCLE_TOPIC,
      acks: -1,
      messages: [
        {
          key: `${run}-client`,
          value: JSON.stringify(event),
          headers: { traceparent: `00-${traceId}-${writerSpan}-01` },
        },
      ],
    });

    const [line] = await eventually(
      'the traced event printed',
      async () => lines.filter((l) => l.subject === `${run}-traced`),
      (found) => found.length === 1,
      { timeoutMs: 30_000 },
    );
    expect(line).toMatchObject({ id: event.id, trace_id: traceId });
    const span = exporter
      .getFinishedSpans()
      .find((s) => s.attributes['messaging.message.id'] === event.id);
    expect(span).toMatchObject({
      name: `process ${TOKEN_LIFECYCLE_TOPIC}`,
      kind: SpanKind.CONSUMER,
      attributes: expect.objectContaining({ 'messaging.consumer.group.name': run }),
    });
    expect(span!.spanContext().traceId).toBe(traceId);
    expect(span!.parentSpanContext?.spanId).toBe(writerSpan);
  });
});
