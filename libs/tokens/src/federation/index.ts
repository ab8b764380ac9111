export * from './federated-jwt.verifier';
export * from './trusted-issuer-keys';
