export * from './bearer-token.extractor';
export * from './bearer.errors';
export * from './nest/bearer.guard';
export * from './nest/require-scopes.decorator';
export * from './nest/resource-server.module';
export * from './opaque-token.introspector';
export * from './resource-server.options';
export * from './token.validator';
