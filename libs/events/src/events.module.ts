import { DynamicModule, Global, Module } from '@nestjs/common';
import { hostname } from 'node:os';
import { EventFactory } from './event-envelope';
import { EVENT_BUS, EVENT_FACTORY } from './event-bus.port';
import { MemoryEventBus } from './memory/memory-event.bus';

@Global()
@Module({})
export class EventsModule {
  /** `service` names the emitting service in each event's `source`. */
  static forRoot(service: string): DynamicModule {
    const source = `urn:token-lifecycle:${service}:${hostname()}-${process.pid}`;
    return {
      module: EventsModule,
      providers: [
        { provide: EVENT_BUS, useFactory: () => new MemoryEventBus() },
        { provide: EVENT_FACTORY, useValue: new EventFactory(source) },
      ],
      exports: [EVENT_BUS, EVENT_FACTORY],
    };
  }
}
