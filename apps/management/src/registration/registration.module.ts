import { Module } from '@nestjs/common';
import { AdminClientGuard } from '@app/oauth';
import { ClientConfigurationUseCase } from './client-configuration.usecase';
import { CLIENT_REGISTRATIONS } from './client-registrations.port';
import { InitialAccessTokenController } from './initial-access-token.controller';
import { IssueInitialAccessTokenUseCase } from './issue-initial-access-token.usecase';
import { RegisterClientUseCase } from './register-client.usecase';
import { RegistrationController } from './registration.controller';
import { RegistryClientRegistrations } from './registry-client-registrations';

/**
 * Dynamic client registration (RFC 7591, RFC 7592) and the admin API's initial access tokens.
 * Clients are written through the registry's writer (libs/registry), like the admin API's.
 */
@Module({
  controllers: [InitialAccessTokenController, RegistrationController],
  providers: [
    AdminClientGuard,
    IssueInitialAccessTokenUseCase,
    RegisterClientUseCase,
    ClientConfigurationUseCase,
    { provide: CLIENT_REGISTRATIONS, useClass: RegistryClientRegistrations },
  ],
})
export class RegistrationModule {}
