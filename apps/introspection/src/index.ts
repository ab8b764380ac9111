export * from './introspection.module';
