export * from './client.registry';
export * from './dummy-secret-hashes';
export * from './registry.module';
export * from './secret-hash';
export * from './scrypt.gate';
