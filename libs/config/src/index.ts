export * from './config.error';
export * from './config.module';
export * from './config.types';
export * from './env.loader';
export * from './registry-file.parser';
export * from './resource-server.config';
export * from './loopback-host';
