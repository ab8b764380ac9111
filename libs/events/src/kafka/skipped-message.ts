import { Logger } from '@nestjs/common';
import { ParseFailure } from '../event.parser';

const log = new Logger('Kafka');

/** Where a message that is not a lifecycle event sits on the log, and why it was skipped. */
export interface SkippedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly reason: ParseFailure;
  /** Names fields, never their values (parseLifecycleEvent). */
  readonly detail: string;
}

/**
 * Every consumer of the log (the bus's kafkajs loop, the Nest transport) reports a skip in the
 * same words: one warning naming the record, so an operator can find it with any Kafka tool.
 */
export function logSkippedMessage(m: SkippedMessage): void {
  log.warn(
    `skipped malformed event ${m.topic}/${m.partition}@${m.offset}: ${m.reason} (${m.detail})`,
  );
}
