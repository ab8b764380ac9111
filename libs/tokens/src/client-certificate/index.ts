export * from './client-cert-header';
export * from './client-certificate';
export * from './client-certificate.source';
