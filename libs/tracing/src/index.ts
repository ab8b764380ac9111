export * from './tracer';
export * from './trace-context';
export * from './tracing.setup';
export * from './http-client.trace';
