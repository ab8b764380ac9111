import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ordersResource } from './orders-resource';
import { PlaygroundEnabledGuard } from './playground-enabled.guard';

/**
 * GET /playground/api/config: what the page needs to start, all of it public (the metadata's
 * endpoints and the public client registered for the playground, README "Playground").
 */
@Controller('playground/api')
@UseGuards(PlaygroundEnabledGuard)
export class PlaygroundConfigController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('config')
  get(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    const redirectUri = `${this.config.issuer}/playground`;
    // RFC 8252 §8.4 / OAuth 2.1: a public client (no secret), PKCE required, redirect exact.
    const client = this.config.registry.clients.find(
      (c) => c.authMethod === 'none' && c.redirectUris.includes(redirectUri),
    );
    return {
      issuer: this.config.issuer,
      endpoints: this.config.endpoints,
      api: `${this.config.issuer}/playground/api/orders`,
      resource: ordersResource(this.config) ?? null,
      public_client: client
        ? { client_id: client.clientId, redirect_uri: redirectUri, scope: client.scopes.join(' ') }
        : null,
    };
  }
}
