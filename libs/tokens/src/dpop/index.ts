export * from './dpop-htu';
export * from './dpop-nonce';
export * from './dpop-proof.error';
export * from './dpop-proof.verifier';
export * from './dpop-signing-algs';
