export * from './management.module';
export * from './keys/key-admin.paths';
