import { Controller } from '@nestjs/common';
import { OAuthEndpoint, OAuthRequest, OAuthResponse } from '@app/oauth';
import { IssueTokenUseCase } from './issue-token.usecase';
import { TokenResponse } from './grants/grant-handler';

@Controller('oauth2')
export class TokenController {
  constructor(private readonly issueToken: IssueTokenUseCase) {}

  @OAuthEndpoint('token')
  token(req: OAuthRequest, res: OAuthResponse): Promise<TokenResponse> {
    return this.issueToken.execute(req, res);
  }
}
