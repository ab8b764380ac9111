export * from './grant.codec';
export * from './lifecycle.projection';
export * from './projection.module';
export * from './token-issued.codec';
export * from './exchange-grant';
export * from './client-tokens.revoker';
export * from './revocation-lifetime';
export * from './revocation.recorder';
