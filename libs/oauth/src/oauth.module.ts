import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ClientAuthenticator } from './client-authentication/client.authenticator';
import { OAuthRouter } from './http/oauth-endpoint';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [ClientAuthenticator, OAuthRouter],
  exports: [ClientAuthenticator, OAuthRouter],
})
export class OAuthModule {}
