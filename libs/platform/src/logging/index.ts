export * from './log-context';
export * from './log-redaction';
export * from './nest-pino.logger';
export * from './pino.logger';
export * from './request-id.hook';
