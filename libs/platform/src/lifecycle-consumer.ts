import { INestApplication, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { LIFECYCLE_SUBSCRIPTION, LifecycleKafkaServer, LifecycleSubscription } from '@app/events';

const log = new Logger('LifecycleConsumer');

/**
 * Runs the app's `@EventPattern` handlers of the lifecycle log on `@nestjs/microservices`' Kafka
 * transport, when this process runs the projector (PROJECTOR) on a Kafka log and a feature
 * module asked for a subscription. In the background, as the HTTP side must answer meanwhile:
 * joining the group can wait out a dead member's session (introspection refuses to vouch until
 * the store is built, see EventProjector). The app's close stops it before the bus closes.
 */
export function connectLifecycleConsumer(app: INestApplication, config: AppConfig): void {
  if (!config.projector || !config.kafka) return;
  const subscription = subscriptionOf(app);
  if (!subscription) return;
  // Not inheritAppConfig: the HTTP filters render OAuth errors; an event handler's error goes
  // to Nest's RPC filter, is logged, and kafkajs delivers the event again.
  app.connectMicroservice({ strategy: LifecycleKafkaServer.of(config.kafka, subscription) });
  void app.startAllMicroservices().catch((e: Error) => log.error(`not started: ${e.message}`));
}

function subscriptionOf(app: INestApplication): LifecycleSubscription | undefined {
  try {
    return app.get<LifecycleSubscription>(LIFECYCLE_SUBSCRIPTION, { strict: false });
  } catch {
    return undefined; // no feature of this service consumes the log
  }
}
