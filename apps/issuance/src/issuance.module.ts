import { Module } from '@nestjs/common';
import { AccessTokenMinter } from './access-token.minter';
import { DiscoveryController } from './discovery.controller';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { TokenExchangeGrant } from './grants/token-exchange.grant';
import { FederatedSubjectTokenReader } from './grants/token-exchange/federated-subject-token.reader';
import { OwnAccessTokenReader } from './grants/token-exchange/own-access-token.reader';
import { SUBJECT_TOKEN_READERS, SubjectTokenReader } from './grants/token-exchange/presented-token';
import { JwtBearerGrant } from './grants/jwt-bearer.grant';
import { AssertionGrantRecorder } from './grants/assertion-grant.recorder';
import { GRANT_HANDLERS, GrantHandler } from './grants/grant-handler';
import { IssueTokenUseCase } from './issue-token.usecase';
import { KeyAnnouncer } from './key.announcer';

import { IdTokenMinter } from './sign-in/id-token.minter';
import { RefreshTokenMinter } from './sign-in/refresh-token.minter';
import { SigningKeysCheck } from './signing-keys.check';
import { TokenController } from './token.controller';
import { BearerErrorFilter } from './userinfo/bearer-error.filter';
import { UserinfoController } from './userinfo/userinfo.controller';
import { UserinfoDpopCheck } from './userinfo/userinfo-dpop.check';
import { UserinfoUseCase } from './userinfo/userinfo.usecase';

/** The issuance service's routes and use cases; infrastructure comes from PlatformModule. */
@Module({
  controllers: [TokenController, DiscoveryController, UserinfoController],
  providers: [
    AccessTokenMinter,
    KeyAnnouncer,
    SigningKeysCheck,
    IssueTokenUseCase,
    IdTokenMinter,
    UserinfoUseCase,
    UserinfoDpopCheck,
    BearerErrorFilter,
    RefreshTokenMinter,
    ClientCredentialsGrant,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    TokenExchangeGrant,
    OwnAccessTokenReader,
    FederatedSubjectTokenReader,
    {
      // RFC 8693 subject and actor tokens, by source: this issuer's own access tokens, then a
      // trusted external issuer's JWTs (each reader keeps to its own by the token's `iss`).
      provide: SUBJECT_TOKEN_READERS,
      inject: [OwnAccessTokenReader, FederatedSubjectTokenReader],
      useFactory: (...readers: SubjectTokenReader[]) => readers,
    },
    AssertionGrantRecorder,
    JwtBearerGrant,
    {
      provide: GRANT_HANDLERS,
      inject: [
        ClientCredentialsGrant,
        AuthorizationCodeGrant,
        RefreshTokenGrant,
        JwtBearerGrant,
        TokenExchangeGrant,
      ],
      useFactory: (...grants: GrantHandler[]) => grants,
    },
  ],
})
export class IssuanceModule {}
