import { Logger } from '@nestjs/common';
import type { Producer, ProducerBatch } from 'kafkajs';

/** What a session needs of a kafkajs producer. */
export type SessionProducer = Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'>;

/** Makes a new, unconnected idempotent producer; its connect() obtains a new producer id. */
export type ProducerFactory = () => SessionProducer;

const log = new Logger('Kafka');

/**
 * One idempotent producer at a time, replaced by a new one (a new producer id) after any failed
 * send, before anything else is sent.
 *
 * Why: kafkajs 2.2.4 takes a batch's sequence numbers before its produce request and gives them
 * back when the request fails (producer/sendMessages.js). A request that failed on the client
 * may still have been appended: the broker died or the connection dropped between the append
 * and the answer, or one partition of the request failed and another did not. The next batch
 * then reuses those numbers; with the same record count per partition the broker takes it for a
 * retry of the appended batch and answers success without writing it (its callers would get 200
 * with no event on the log), with another count it answers OUT_OF_ORDER_SEQUENCE_NUMBER on every
 * later batch. A new producer id starts its sequences afresh, so nothing can collide.
 *
 * "Failed" means kafkajs gave up (sendBatch rejected). A caller whose publish timed out earlier
 * does not make the batch failed: kafkajs's own retries reuse the same sequence numbers for the
 * same records, which the broker deduplicates correctly, so a batch that succeeds late leaves the
 * session consistent. The caller sends one batch at a time and waits for it to settle (the
 * MicroBatcher), so nothing new goes out on a session before its last send is known to have
 * failed or succeeded, and a renewal never overlaps a send.
 */
export class ProducerSession {
  private producer: SessionProducer | undefined;
  /** Why the last send failed; set until the producer is replaced, before the next send. */
  private failure: string | undefined;
  private generation = 0;
  private closed = false;

  constructor(private readonly newProducer: ProducerFactory) {}

  /** Connects the first producer; a failure here fails the start-up. */
  async open(): Promise<void> {
    this.producer = await this.connected();
  }

  async send(batch: ProducerBatch): Promise<void> {
    if (this.closed) throw new Error('the event bus is closed');
    if (this.failure !== undefined || !this.producer) await this.renew();
    try {
      await this.producer!.sendBatch(batch);
    } catch (e) {
      this.failure = reason(e);
      throw e;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  /**
   * Disconnects the failed producer and connects a new one. If that fails, the batch about to be
   * sent fails with it (its callers answer 503 at once) and the next batch tries again.
   */
  private async renew(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    await old?.disconnect().catch(() => undefined);
    try {
      this.producer = await this.connected();
    } catch (e) {
      log.warn(`producer session: no new session yet, this batch fails: ${reason(e)}`);
      throw e;
    }
    log.warn(
      `producer session ${this.generation} started (new producer id) before the next batch, after a failed send: ${this.failure}`,
    );
    this.failure = undefined;
  }

  private async connected(): Promise<SessionProducer> {
    const producer = this.newProducer();
    try {
      await producer.connect();
    } catch (e) {
      await producer.disconnect().catch(() => undefined);
      throw e;
    }
    this.generation++;
    return producer;
  }
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
