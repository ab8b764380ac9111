export * from './management.module';
export * from './keys/key-admin.paths';
export * from './management-api.paths';
export * from './registry-error.filter';
export * from './registration/registration.paths';
