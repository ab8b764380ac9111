import { Controller, Get, Header, Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { buildMetadata } from '@app/oauth';
import { KeyRing } from '@app/tokens';
import { GRANT_HANDLERS, GrantHandler } from './grants/grant-handler';

/**
 * RFC 8414 metadata (also the OpenID Connect Discovery §3 document) and the RFC 7517 public key
 * set: public, cacheable documents.
 */
@Controller()
export class DiscoveryController {
  private readonly metadata: Record<string, unknown>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(GRANT_HANDLERS) grants: GrantHandler[],
    private readonly keys: KeyRing,
  ) {
    const registered = (g: GrantHandler) =>
      config.registry.clients.some((c) => c.grantTypes.includes(g.grantType));
    this.metadata = buildMetadata(
      config,
      grants.filter((g) => !g.advertisedWhenRegistered || registered(g)).map((g) => g.grantType),
      keys.algorithms(),
    );
  }

  @Get(['.well-known/oauth-authorization-server', '.well-known/openid-configuration'])
  @Header('Cache-Control', 'public, max-age=300')
  wellKnown(): Record<string, unknown> {
    return this.metadata;
  }

  // Short cache: verifiers must see a rotated key soon (they also refresh on an unknown kid).
  @Get('oauth2/jwks')
  @Header('Cache-Control', 'public, max-age=60')
  jwks() {
    return this.keys.publicJwks();
  }
}
