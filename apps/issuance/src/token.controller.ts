import { Controller, HttpCode, Post } from '@nestjs/common';
import { NoStore, OAuthParams, OAuthRequest } from '@app/oauth';
import { IssueTokenUseCase } from './issue-token.usecase';
import { TokenResponse } from './grants/grant-handler';

@Controller('oauth2')
export class TokenController {
  constructor(private readonly issueToken: IssueTokenUseCase) {}

  @Post('token')
  @HttpCode(200)
  @NoStore()
  token(@OAuthParams() req: OAuthRequest): Promise<TokenResponse> {
    return this.issueToken.execute(req);
  }
}
