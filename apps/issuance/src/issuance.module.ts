import { Module } from '@nestjs/common';
import { AccessTokenMinter } from './access-token.minter';
import { DiscoveryController } from './discovery.controller';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { GRANT_HANDLERS, GrantHandler } from './grants/grant-handler';
import { IssueTokenUseCase } from './issue-token.usecase';
import { KeyAnnouncer } from './key.announcer';
import { GrantRevoker } from './sign-in/grant.revoker';
import { IdTokenMinter } from './sign-in/id-token.minter';
import { TokenController } from './token.controller';

/** The issuance service's routes and use cases; infrastructure comes from PlatformModule. */
@Module({
  controllers: [TokenController, DiscoveryController],
  providers: [
    AccessTokenMinter,
    KeyAnnouncer,
    IssueTokenUseCase,
    IdTokenMinter,
    GrantRevoker,
    ClientCredentialsGrant,
    AuthorizationCodeGrant,
    {
      provide: GRANT_HANDLERS,
      inject: [ClientCredentialsGrant, AuthorizationCodeGrant],
      useFactory: (...grants: GrantHandler[]) => grants,
    },
  ],
})
export class IssuanceModule {}
