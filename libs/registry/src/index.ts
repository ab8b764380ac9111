export * from './client.registry';
export * from './registry.module';
export * from './secret-hash';
export * from './scrypt.gate';
