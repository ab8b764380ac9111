import { Controller, HttpCode, Post } from '@nestjs/common';
import { NoStore, OAuthParams, OAuthRequest } from '@app/oauth';
import { IntrospectionResponse, IntrospectTokenUseCase } from './introspect-token.usecase';

@Controller('oauth2')
export class IntrospectionController {
  constructor(private readonly introspectToken: IntrospectTokenUseCase) {}

  @Post('introspect')
  @HttpCode(200)
  @NoStore()
  introspect(@OAuthParams() req: OAuthRequest): Promise<IntrospectionResponse> {
    return this.introspectToken.execute(req);
  }
}
