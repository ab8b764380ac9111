import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Admin, IHeaders, Kafka, ProducerBatch } from 'kafkajs';
import { loadTracingConfig } from '@app/config';
import { inSpan, startTracing, stopTracing } from '@app/tracing';
import { EventFactory } from '../event-envelope';
import { REGISTRY_TOPIC, SIGNING_KEYS_TOPIC, TOKEN_LIFECYCLE_TOPIC } from '../topics';
import { KafkaEventBus } from './kafka-event.bus';

type EachMessage = (p: {
  partition: number;
  message: { value: Buffer; offset: string; headers?: IHeaders };
}) => Promise<void>;

/** Trace context in the Kafka headers of every event, and its continuation by a consumer. */
describe('KafkaEventBus trace context', () => {
  const exporter = new InMemorySpanExporter();
  const events = new EventFactory('urn:token-lifecycle:unit');
  const revoked = () =>
    events.create('token.revoked', 'jti-1', 'grant-1', {
      jti: 'jti-1',
      client_id: 'client-a',
      exp: 2_000_000_000,
      revoked_by: 'client-a',
    });
  let sent: ProducerBatch[];
  let eachMessage: EachMessage | undefined;
  let sut: KafkaEventBus;

  const headersSent = () => sent.flatMap((b) => b.topicMessages!.flatMap((t) => t.messages));

  beforeEach(async () => {
    sent = [];
    const consumer = {
      events: {},
      on: () => undefined,
      connect: async () => undefined,
      subscribe: async () => undefined,
      disconnect: async () => undefined,
      run: async (o: { eachMessage: EachMessage }) => void (eachMessage = o.eachMessage),
    };
    sut = await KafkaEventBus.connect(
      {
        brokers: ['127.0.0.1:9092'],
        clientId: 'spec',
        lingerMs: 0,
        maxBatch: 10,
        publishTimeoutMs: 1000,
        topicPartitions: 1,
        replicationFactor: 1,
      },
      {
        kafka: { consumer: () => consumer } as unknown as Kafka,
        admin: {
          connect: async () => undefined,
          disconnect: async () => undefined,
          listTopics: async () => [TOKEN_LIFECYCLE_TOPIC, SIGNING_KEYS_TOPIC, REGISTRY_TOPIC],
        } as unknown as Admin,
        newProducer: () => ({
          connect: async () => undefined,
          disconnect: async () => undefined,
          sendBatch: async (b: ProducerBatch) => {
            sent.push(b);
            return [];
          },
        }),
      },
    );
  });

  afterEach(() => sut.close());

  it('without tracing, sends no headers and hands events over as they are', async () => {
    await sut.publish(revoked());
    expect(headersSent()[0]).not.toHaveProperty('headers');
  });

  describe('with tracing on', () => {
    beforeAll(() => startTracing(loadTracingConfig({}), { service: 'spec', exporter }));
    afterAll(() => stopTracing());
    beforeEach(() => exporter.reset());

    it("puts the publish span's traceparent in the event's headers, child of the caller", async () => {
      const request = await inSpan('POST /oauth2/revoke', {}, async (span) => {
        await sut.publish(revoked());
        return span.spanContext();
      });
      const publish = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER)!;
      expect(publish.name).toBe(`publish ${TOKEN_LIFECYCLE_TOPIC}`);
      expect(publish.parentSpanContext?.spanId).toBe(request.spanId);
      expect(publish.attributes['cloudevents.event_type']).toBe('token.revoked');
      const { traceId, spanId } = publish.spanContext();
      expect(headersSent()[0]?.headers).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
    });

    it('marks the publish span failed when the event is not acknowledged', async () => {
      await sut.close();
      await expect(inSpan('request', {}, () => sut.publish(revoked()))).rejects.toThrow();
      const publish = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER)!;
      expect(publish.status.code).toBe(2);
    });

    it("runs the handler in a process span continuing the headers' trace", async () => {
      const seen: (string | undefined)[] = [];
      await sut.subscribe({ group: 'projector' }, () => {
        seen.push(trace.getActiveSpan()?.spanContext().traceId);
      });
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await eachMessage!({
        partition: 3,
        message: {
          value: Buffer.from(JSON.stringify(revoked())),
          offset: '42',
          headers: { traceparent: Buffer.from(traceparent) },
        },
      });
      expect(seen).toEqual(['0af7651916cd43dd8448eb211c80319c']);
      const process = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER)!;
      expect(process.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(process.attributes).toMatchObject({
        'messaging.consumer.group.name': 'projector',
        'messaging.destination.partition.id': '3',
        'messaging.kafka.offset': 42,
      });
    });

    it('starts a trace of its own for an event without headers (written before tracing)', async () => {
      const seen: (string | undefined)[] = [];
      await sut.subscribe({ group: 'projector' }, () => {
        seen.push(trace.getActiveSpan()?.spanContext().traceId);
      });
      await eachMessage!({
        partition: 0,
        message: { value: Buffer.from(JSON.stringify(revoked())), offset: '1' },
      });
      expect(seen[0]).toMatch(/^[0-9a-f]{32}$/);
      const process = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER)!;
      expect(process.parentSpanContext).toBeUndefined();
    });
  });
});
