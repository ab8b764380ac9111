export * from './event-bus.port';
export * from './event-envelope';
export * from './events.module';
export * from './memory/memory-event.bus';
export * from './topics';
