import { Module } from '@nestjs/common';
import { AdminClientGuard } from '@app/oauth';
import { InitialAccessTokenController } from './initial-access-token.controller';
import { IssueInitialAccessTokenUseCase } from './issue-initial-access-token.usecase';

/**
 * Dynamic client registration (RFC 7591, RFC 7592) and the admin API's initial access tokens.
 * Clients are written through the registry's writer (libs/registry), like the admin API's.
 */
@Module({
  controllers: [InitialAccessTokenController],
  providers: [AdminClientGuard, IssueInitialAccessTokenUseCase],
})
export class RegistrationModule {}
