import { Counter, Registry } from 'prom-client';
import { BufferedHistogram, HistogramSeries } from './buffered.histogram';
import { SeriesIndex } from './series.index';

/** Seconds: an acknowledged `acks=all` batch takes milliseconds; the publish timeout is 5 s. */
const PUBLISH_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/** Where a Kafka client failed: a produce request, a consumer, or a message no one can read. */
export type KafkaOperation = 'produce' | 'consume' | 'decode';

/** The event log as its producers and consumers see it. `type` is an event type: bounded. */
export class EventMetrics {
  /** Buffered: observed for every event published (BufferedHistogram). */
  private readonly publishDuration: SeriesIndex<HistogramSeries<string>> | undefined;
  private readonly publishFailures: Counter<'type'> | undefined;
  private readonly kafkaErrors: Counter<'operation'> | undefined;

  /** `registry` null: metrics are off. */
  constructor(registry: Registry | null) {
    if (!registry) return;
    const registers = [registry];
    const publishDuration = new BufferedHistogram(
      'token_lifecycle_event_publish_duration_seconds',
      'From publish to the event acknowledged by the log (every in-sync replica on Kafka), by event type.',
      ['type'],
      PUBLISH_BUCKETS,
      registry,
    );
    this.publishDuration = new SeriesIndex((type) => publishDuration.open({ type }));
    this.publishFailures = new Counter({
      name: 'token_lifecycle_event_publish_failures_total',
      help: 'Events the log did not acknowledge (failed or timed out): each failed its request with 503.',
      labelNames: ['type'],
      registers,
    });
    this.kafkaErrors = new Counter({
      name: 'token_lifecycle_kafka_errors_total',
      help: 'Kafka client errors: failed produce requests, consumer crashes, undecodable messages skipped.',
      labelNames: ['operation'],
      registers,
    });
  }

  published(type: string, seconds: number): void {
    this.publishDuration?.get(type).observe(seconds);
  }

  publishFailed(type: string): void {
    this.publishFailures?.inc({ type });
  }

  kafkaError(operation: KafkaOperation): void {
    this.kafkaErrors?.inc({ operation });
  }
}
