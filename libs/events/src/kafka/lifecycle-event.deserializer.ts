import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';
import { parseLifecycleEvent } from '../event.parser';
import { logSkippedMessage, SkippedMessage } from './skipped-message';

/**
 * The pattern a message that is not a lifecycle event is handed on under. No handler may listen
 * to it (the Kafka transport subscribes to every pattern as a topic): LifecycleKafkaServer drops
 * it in silence, Nest's plain ServerKafka logs that no handler matched and moves on. Either way
 * the consumer commits past it.
 */
export const SKIPPED_LIFECYCLE_MESSAGE = 'token-lifecycle.skipped-message';

/** What `ServerKafka` passes: a kafkajs message, with its topic and partition added. */
export interface KafkaRecordLike {
  readonly value: unknown;
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: string;
}

/**
 * CloudEvents 1.0 (structured JSON) on the lifecycle topics → the parsed, validated event, for
 * `@EventPattern(<topic>)` handlers of `@nestjs/microservices`' Kafka transport. The value is
 * read by the same strict parser as the event bus's own consumer (`parseLifecycleEvent`): a
 * handler only ever receives an event the AsyncAPI document describes, narrowed by `type`.
 *
 * A malformed record, an unknown type or an unknown schema version is skipped as the bus skips
 * it: counted, one warning naming topic/partition@offset and the reason (never the value, which
 * may hold what must not be logged), and no throw, so the consumer neither stops nor redelivers
 * it for ever: its position moves past it.
 *
 * Read the value once: give the transport `parser: { keepBinary: true }` (LifecycleKafkaServer
 * does). Nest's default parser JSON-parses values itself; such a value is accepted too.
 */
export class LifecycleEventDeserializer implements ConsumerDeserializer {
  private skipped = 0;

  deserialize(record: KafkaRecordLike, options?: { channel?: string }): IncomingEvent {
    const topic = options?.channel ?? record.topic ?? '';
    const parsed = parseLifecycleEvent(rawValue(record.value));
    if (parsed.ok) return { pattern: topic, data: parsed.event };
    this.skipped++;
    const skip: SkippedMessage = {
      topic,
      partition: record.partition ?? -1,
      offset: record.offset ?? '?',
      reason: parsed.reason,
      detail: parsed.detail,
    };
    logSkippedMessage(skip);
    return { pattern: SKIPPED_LIFECYCLE_MESSAGE, data: skip };
  }

  /** How many records this deserializer skipped. */
  skippedCount(): number {
    return this.skipped;
  }
}

/** The record's value as text or bytes, whichever parser the transport was given. */
function rawValue(value: unknown): Buffer | string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  // Nest's default KafkaParser has JSON-parsed it already: the parser checks it as it was.
  return JSON.stringify(value);
}
