import { Controller, HttpCode, Post } from '@nestjs/common';
import { NoStore, OAuthParams, OAuthRequest } from '@app/oauth';
import { RevokeTokenUseCase } from './revoke-token.usecase';

@Controller('oauth2')
export class RevocationController {
  constructor(private readonly revokeToken: RevokeTokenUseCase) {}

  @Post('revoke')
  @HttpCode(200)
  @NoStore()
  revoke(@OAuthParams() req: OAuthRequest): Promise<void> {
    return this.revokeToken.execute(req);
  }
}
