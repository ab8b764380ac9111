import { Logger } from '@nestjs/common';
import { IncomingEvent, KafkaContext, ServerKafka } from '@nestjs/microservices';
import type { EachMessagePayload } from '@nestjs/microservices/external/kafka.interface';
import type { KafkaConfig as KafkaClientConfig } from 'kafkajs';
import { KafkaConfig } from '@app/config';
import { tracingOn } from '@app/tracing';
import type { LifecycleEvent } from '../event-envelope';
import { SubscribeOptions } from '../event-bus.port';
import { errorName, onFatalCrash, stopRestartsOnceClosed } from './consumer-crash';
import { kafkaClientConfig } from './kafka-clients';
import { processInSpan } from './kafka-trace';
import { lifecycleConsumerConfig } from './lifecycle-consumer.config';
import {
  LifecycleEventDeserializer,
  SKIPPED_LIFECYCLE_MESSAGE,
} from './lifecycle-event.deserializer';

const RESUBSCRIBE_DELAY_MS = 1000;

export interface LifecycleKafkaServerOptions extends SubscribeOptions {
  /** kafkajs client settings: brokers, clientId, and ssl / sasl where the cluster needs them. */
  readonly client: KafkaClientConfig;
  /** Defaults to a new LifecycleEventDeserializer. */
  readonly deserializer?: LifecycleEventDeserializer;
}

/**
 * `@nestjs/microservices`' Kafka transport for the lifecycle topics, as a custom strategy
 * (`app.connectMicroservice({ strategy })`): `@EventPattern(TOKEN_LIFECYCLE_TOPIC)` handlers get
 * each parsed, validated event (LifecycleEventDeserializer). What it changes of ServerKafka:
 * - the group is exactly `group` (ServerKafka appends `-server` to both ids by default);
 * - it fetches as the event bus's own consumer does (lifecycleConsumerConfig: 64 KiB / 100 ms);
 * - a handler is found by its topic without a JSON.parse attempt (getRouteFromPattern);
 * - a record goes straight to the deserializer, raw, and a skipped one (the deserializer has
 *   logged it) no further: not reported as "no matching event handler" (handleMessage);
 * - events only: no reply producer is opened;
 * - a consumer kafkajs will not restart, or a subscription that fails (a broker that has just
 *   started), is subscribed again a second later, as the event bus does, instead of leaving the
 *   service without its consumer.
 * A handler that throws gets the event again (kafkajs retries it): handlers are idempotent.
 * The projector does not run on it: it applied 0.79× the events/s of the bus's kafkajs loop
 * (docs/architecture.md, `npm run bench:projector`). It is for consumers that want Nest.
 */
export class LifecycleKafkaServer extends ServerKafka {
  private readonly log = new Logger(LifecycleKafkaServer.name);
  private closed = false;

  constructor(options: LifecycleKafkaServerOptions) {
    super({
      client: options.client,
      consumer: lifecycleConsumerConfig(options.group),
      subscribe: { fromBeginning: !!options.fromBeginning },
      postfixId: '',
      deserializer: options.deserializer ?? new LifecycleEventDeserializer(),
    });
  }

  /** With the Kafka settings of our configuration (libs/config), as the event bus connects. */
  static of(config: KafkaConfig, subscription: SubscribeOptions): LifecycleKafkaServer {
    return new LifecycleKafkaServer({ ...{}, ...subscription, client: kafkaClientConfig(config) });
  }

  override async listen(callback: (err?: unknown) => void): Promise<void> {
    this.client = this.createClient();
    await this.startOrRetry(callback);
  }

  override async start(callback: () => void): Promise<void> {
    const consumer = this.client!.consumer({
      ...{},
      ...this.options.consumer,
      groupId: this.groupId,
    });
    this.consumer = consumer;
    this.registerConsumerEventListeners();
    stopRestartsOnceClosed(consumer, () => this.closed);
    onFatalCrash(consumer, (e) => {
      if (this.consumer !== consumer || this.closed) return;
      this.log.warn(`consumer of ${this.groupId} stopped (${errorName(e)}): subscribing again`);
      this.resubscribe(callback);
    });
    await consumer.connect();
    // Closed while connecting: nothing else would disconnect this consumer.
    if (this.closed) return void (await consumer.disconnect());
    await this.bindEvents(consumer);
    callback();
  }

  /**
   * A topic name is never JSON: the handler is found without ServerKafka's attempt to
   * `JSON.parse` it, whose SyntaxError (thrown and caught twice per event) was a quarter of the
   * transport's own time per event (bench/projector-throughput.ts, docs/architecture.md).
   */
  protected override getRouteFromPattern(pattern: string): string {
    if (/^[[{]/.test(pattern)) return super.getRouteFromPattern(pattern);
    return this.normalizePattern(pattern);
  }

  /**
   * Events only, straight from the record: the deserializer reads the raw value, a skipped
   * record (counted and logged by the deserializer) goes no further, and an event goes to the
   * handler of its topic. ServerKafka's own path also copies the message to decode its key and
   * headers and looks for a reply topic, none of which an event needs (the context's message
   * keeps its raw key and headers).
   */
  override async handleMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const record = { ...{}, ...message, topic, partition };
    const packet = await this.deserializer.deserialize(record, { channel: topic });
    if (packet.pattern === SKIPPED_LIFECYCLE_MESSAGE) return;
    const context = new KafkaContext([
      message,
      partition,
      topic,
      this.consumer!,
      payload.heartbeat,
      this.producer!,
    ]);
    if (!tracingOn()) return this.handleEvent(packet.pattern, packet, context);
    return this.handleTraced(payload, packet, context);
  }

  /**
   * The handler in the trace the event's headers carry (docs/asyncapi.yaml). A method of its
   * own: a closure in handleMessage would cost a heap-allocated scope per message, traced or not.
   */
  private handleTraced(
    { topic, partition, message }: EachMessagePayload,
    packet: IncomingEvent,
    context: KafkaContext,
  ): Promise<void> {
    const consumed = { topic, partition, offset: message.offset, headers: message.headers };
    return processInSpan(
      packet.data as LifecycleEvent,
      { ...{}, ...consumed, group: this.groupId },
      () => this.handleEvent(packet.pattern, packet, context),
    );
  }

  override async close(): Promise<void> {
    this.closed = true;
    await super.close();
  }

  private async startOrRetry(callback: () => void): Promise<void> {
    try {
      await this.start(callback);
    } catch (e) {
      if (this.closed) return;
      this.log.warn(`subscribing ${this.groupId} failed (${errorName(e)}): retrying`);
      this.resubscribe(callback);
    }
  }

  /** Replaces the consumer a second later (kafkajs cannot run a stopped one again). */
  private resubscribe(callback: () => void): void {
    setTimeout(() => {
      if (this.closed) return;
      const stopped = this.consumer;
      this.consumer = null;
      void (async () => {
        await stopped?.disconnect().catch(() => undefined);
        if (!this.closed) await this.startOrRetry(callback);
      })();
    }, RESUBSCRIBE_DELAY_MS).unref();
  }
}
