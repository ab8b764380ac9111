import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuthMethodRegistry } from './client-authentication/auth-method.registry';
import {
  CLIENT_AUTH_METHODS,
  ClientAuthMethodHandler,
} from './client-authentication/client-auth-method';
import { ClientAuthenticator } from './client-authentication/client.authenticator';
import { ClientKeysInvalidation } from './client-authentication/client-keys.invalidation';
import { ClientSecretBasicMethod } from './client-authentication/methods/client-secret-basic.method';
import { ClientSecretPostMethod } from './client-authentication/methods/client-secret-post.method';
import { NoneMethod } from './client-authentication/methods/none.method';
import { PrivateKeyJwtMethod } from './client-authentication/methods/private-key-jwt.method';
import { FederatedCredentialCheck } from './client-authentication/methods/federated-credential.check';
import { DpopProofs } from './dpop/dpop-proofs';
import { SelfSignedTlsClientAuthMethod } from './client-authentication/methods/self-signed-tls-client-auth.method';
import { TlsClientAuthMethod } from './client-authentication/methods/tls-client-auth.method';
import { OAuthRouter } from './http/oauth-endpoint';
import { RequestRateGate } from './rate-limit/request-rate.gate';

/** The client authentication methods: adding one is a file and a line here. */
const METHODS = [
  ClientSecretBasicMethod,
  ClientSecretPostMethod,
  PrivateKeyJwtMethod,
  TlsClientAuthMethod,
  SelfSignedTlsClientAuthMethod,
  NoneMethod,
];

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    ...METHODS,
    FederatedCredentialCheck,
    {
      provide: CLIENT_AUTH_METHODS,
      inject: METHODS,
      useFactory: (...methods: ClientAuthMethodHandler[]) => methods,
    },
    AuthMethodRegistry,
    ClientAuthenticator,
    ClientKeysInvalidation,
    RequestRateGate,
    OAuthRouter,
    DpopProofs,
  ],
  exports: [AuthMethodRegistry, ClientAuthenticator, RequestRateGate, OAuthRouter, DpopProofs],
})
export class OAuthModule {}
