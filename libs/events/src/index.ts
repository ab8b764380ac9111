export * from './event-bus.port';
export * from './event-envelope';
export * from './event.parser';
export * from './events.module';
export * from './kafka/kafka-event.bus';
export * from './memory/memory-event.bus';
export * from './topics';
