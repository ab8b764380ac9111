import { Module } from '@nestjs/common';
import { AccessTokenMinter } from './access-token.minter';
import { DiscoveryController } from './discovery.controller';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { GRANT_HANDLERS, GrantHandler } from './grants/grant-handler';
import { IssueTokenUseCase } from './issue-token.usecase';
import { KeyAnnouncer } from './key.announcer';
import { TokenController } from './token.controller';

/** The issuance service's routes and use cases; infrastructure comes from PlatformModule. */
@Module({
  controllers: [TokenController, DiscoveryController],
  providers: [
    AccessTokenMinter,
    KeyAnnouncer,
    IssueTokenUseCase,
    ClientCredentialsGrant,
    {
      provide: GRANT_HANDLERS,
      inject: [ClientCredentialsGrant],
      useFactory: (...grants: GrantHandler[]) => grants,
    },
  ],
})
export class IssuanceModule {}
