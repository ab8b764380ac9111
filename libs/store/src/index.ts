export * from './keys';
export * from './memory/expiring-map';
export * from './memory/memory-replay.store';
export * from './memory/memory-revocation.store';
export * from './memory/memory-token.store';
export * from './revocation.matcher';
export * from './store.module';
export * from './store.ports';
