export * from './http-server';
export * from './platform.module';
