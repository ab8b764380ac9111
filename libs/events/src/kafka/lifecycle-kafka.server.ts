import { Logger } from '@nestjs/common';
import { KafkaContext, ReadPacket, ServerKafka } from '@nestjs/microservices';
import type { KafkaConfig as KafkaClientConfig } from 'kafkajs';
import { KafkaConfig } from '@app/config';
import { SubscribeOptions } from '../event-bus.port';
import { errorName, onFatalCrash } from './consumer-crash';
import { kafkaClientConfig } from './kafka-clients';
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
 * - a skipped record is dropped in silence (the deserializer has logged it), not reported as
 *   "no matching event handler";
 * - events only: no reply producer is opened;
 * - a consumer kafkajs will not restart, or a subscription that fails (a broker that has just
 *   started), is subscribed again a second later, as the event bus does, instead of leaving the
 *   service without its consumer.
 * A handler that throws gets the event again (kafkajs retries it): handlers are idempotent.
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
      parser: { keepBinary: true },
      deserializer: options.deserializer ?? new LifecycleEventDeserializer(),
    });
  }

  /** The strategy for a service of ours: its Kafka settings, one subscription. */
  static of(config: KafkaConfig, subscription: SubscribeOptions): LifecycleKafkaServer {
    return new LifecycleKafkaServer({ ...subscription, client: kafkaClientConfig(config) });
  }

  override async listen(callback: (err?: unknown) => void): Promise<void> {
    this.client = this.createClient();
    await this.startOrRetry(callback);
  }

  override async start(callback: () => void): Promise<void> {
    const consumer = this.client!.consumer({ ...this.options.consumer, groupId: this.groupId });
    this.consumer = consumer;
    this.registerConsumerEventListeners();
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

  override handleEvent(pattern: string, packet: ReadPacket, context: KafkaContext) {
    // Counted and logged by the deserializer; the consumer moves past it.
    if (pattern === SKIPPED_LIFECYCLE_MESSAGE) return Promise.resolve();
    return super.handleEvent(pattern, packet, context);
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
