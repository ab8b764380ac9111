export * from './grant.codec';
export * from './lifecycle.projection';
export * from './projection.module';
export * from './token-issued.codec';
export * from './exchange-grant';
