export * from './management.module';
export * from './management-api.paths';
export * from './registry-error.filter';
export * from './registration/registration.paths';
