export * from './http-server';
export * from './platform.module';
export * from './service-runner';
export * from './service-name';
