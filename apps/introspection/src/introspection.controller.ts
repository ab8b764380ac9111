import { Controller } from '@nestjs/common';
import { OAuthEndpoint, OAuthRequest } from '@app/oauth';
import { IntrospectionResponse, IntrospectTokenUseCase } from './introspect-token.usecase';

@Controller('oauth2')
export class IntrospectionController {
  constructor(private readonly introspectToken: IntrospectTokenUseCase) {}

  @OAuthEndpoint('introspect')
  introspect(req: OAuthRequest): Promise<IntrospectionResponse> {
    return this.introspectToken.execute(req);
  }
}
