import { Global, Module } from '@nestjs/common';
import { ClientAuthenticator } from './client-authentication/client.authenticator';

@Global()
@Module({ providers: [ClientAuthenticator], exports: [ClientAuthenticator] })
export class OAuthModule {}
