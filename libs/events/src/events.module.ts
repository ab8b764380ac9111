import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { hostname } from 'node:os';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EventMetrics, LifecycleMetrics } from '@app/metrics';
import { PublishMeter } from './publish.meter';
import { EventFactory } from './event-envelope';
import { EVENT_BUS, EVENT_FACTORY, EventBus } from './event-bus.port';
import { KafkaEventBus } from './kafka/kafka-event.bus';
import { MemoryEventBus } from './memory/memory-event.bus';

/** Closes the bus after the HTTP server has stopped and its last requests have answered. */
class EventBusCloser implements OnApplicationShutdown {
  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  onApplicationShutdown(): Promise<void> {
    return this.bus.close();
  }
}

@Global()
@Module({})
export class EventsModule {
  /** `service` names the emitting service in each event's `source`. */
  static forRoot(service: string): DynamicModule {
    const source = `urn:token-lifecycle:${service}:${hostname()}-${process.pid}`;
    return {
      module: EventsModule,
      providers: [
        {
          provide: EVENT_BUS,
          inject: [
            APP_CONFIG,
            { token: EventMetrics, optional: true },
            { token: LifecycleMetrics, optional: true },
          ],
          useFactory: (
            config: AppConfig,
            metrics?: EventMetrics,
            lifecycle?: LifecycleMetrics,
          ): Promise<EventBus> | EventBus => {
            const meter = new PublishMeter(metrics, lifecycle);
            return config.kafka
              ? KafkaEventBus.connect(config.kafka, undefined, { meter, metrics })
              : new MemoryEventBus(undefined, meter);
          },
        },
        { provide: EVENT_FACTORY, useValue: new EventFactory(source) },
        EventBusCloser,
      ],
      exports: [EVENT_BUS, EVENT_FACTORY],
    };
  }
}
