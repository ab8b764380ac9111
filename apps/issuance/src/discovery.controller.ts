import { Controller, Get, Header, Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { buildMetadata } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { KeyRing } from '@app/tokens';
import { GRANT_HANDLERS, GrantHandler } from './grants/grant-handler';

/**
 * RFC 8414 metadata (also the OpenID Connect Discovery §3 document) and the RFC 7517 public key
 * set: public, cacheable documents.
 */
@Controller()
export class DiscoveryController {
  /** Built on first use after each registry change (scopes, grant types registered). */
  private metadata?: Record<string, unknown>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GRANT_HANDLERS) private readonly grants: GrantHandler[],
    private readonly keys: KeyRing,
    private readonly registry: ClientRegistry,
  ) {
    registry.onChange(() => (this.metadata = undefined));
  }

  @Get(['.well-known/oauth-authorization-server', '.well-known/openid-configuration'])
  @Header('Cache-Control', 'public, max-age=300')
  wellKnown(): Record<string, unknown> {
    this.metadata ??= this.build();
    return this.metadata;
  }

  private build(): Record<string, unknown> {
    const clients = this.registry.clients();
    const registered = (g: GrantHandler) => clients.some((c) => c.grantTypes.includes(g.grantType));
    return buildMetadata(
      this.config,
      this.registry.resources(),
      this.grants
        .filter((g) => !g.advertisedWhenRegistered || registered(g))
        .map((g) => g.grantType),
      this.keys.algorithms(),
    );
  }

  // Short cache: verifiers must see a rotated key soon (they also refresh on an unknown kid).
  @Get('oauth2/jwks')
  @Header('Cache-Control', 'public, max-age=60')
  jwks() {
    return this.keys.publicJwks();
  }
}
