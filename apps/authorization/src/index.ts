export * from './authorization.module';
