export * from './http-server';
export * from './http-limits';
export * from './platform.module';
export * from './service-runner';
export * from './service-name';
export * from './grant.revoker';
export * from './refresh-token.lookup';
