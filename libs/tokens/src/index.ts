export * from './access-token.claims';
export * from './access-token.reader';
export * from './client-assertion.verifier';
export * from './jwt-access-token.format';
export * from './key-ring';
export * from './opaque-token.format';
export * from './tokens.module';
