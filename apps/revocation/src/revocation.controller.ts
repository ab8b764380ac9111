import { Controller } from '@nestjs/common';
import { OAuthEndpoint, OAuthRequest } from '@app/oauth';
import { RevokeTokenUseCase } from './revoke-token.usecase';

@Controller('oauth2')
export class RevocationController {
  constructor(private readonly revokeToken: RevokeTokenUseCase) {}

  @OAuthEndpoint('revoke')
  revoke(req: OAuthRequest): Promise<void> {
    return this.revokeToken.execute(req);
  }
}
