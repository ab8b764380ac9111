import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ORDERS_API_PATH, ordersApiUrl, ordersResource } from './orders-resource';
import { PLAYGROUND_JWKS_PATH } from './playground-client-keys';
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
    return {
      issuer: this.config.issuer,
      endpoints: this.config.endpoints,
      api: ORDERS_API_PATH,
      // RFC 9449 §4.2: a DPoP proof for the API names this URL (`htu`), the issuer's origin.
      api_url: ordersApiUrl(this.config),
      resource: ordersResource(this.config) ?? null,
      // RFC 8252 §8.4 / OAuth 2.1: public clients (no secret, PKCE) whose redirect URI is a
      // playground page; the page picks the one registered for its own origin.
      public_clients: this.config.registry.clients
        .filter((c) => c.authMethod === 'none' && c.redirectUris.some(isPlaygroundPage))
        .map((c) => ({
          client_id: c.clientId,
          redirect_uris: c.redirectUris.filter(isPlaygroundPage),
          scope: c.scopes.join(' '),
        })),
      // RFC 7523 §2.2: private_key_jwt clients whose keys are the playground sessions' (their
      // jwks_uri is this server's GET /playground/api/jwks): the page signs with a key it makes.
      // Client credentials for the orders API; an exchanging client is listed apart.
      key_clients: this.keyClients()
        .filter((c) => c.tokenExchange === undefined && c.grantTypes.includes('client_credentials'))
        .map((c) => ({ client_id: c.clientId, scope: c.scopes.join(' ') })),
      // RFC 8693: the same kind of client with a token_exchange policy; the page exchanges its
      // access token as it, where the policy allows (the audiences, delegation, impersonation).
      exchange_clients: this.keyClients().flatMap((c) =>
        c.tokenExchange === undefined
          ? []
          : [
              {
                client_id: c.clientId,
                scope: c.scopes.join(' '),
                audiences: c.tokenExchange.audiences,
                delegation: c.tokenExchange.delegation,
                impersonation: c.tokenExchange.impersonation,
              },
            ],
      ),
    };
  }

  /** RFC 7523 §2.2: private_key_jwt clients whose jwks_uri is a playground's. */
  private keyClients() {
    return this.config.registry.clients.filter(
      (c) =>
        c.authMethod === 'private_key_jwt' &&
        c.jwksUri !== undefined &&
        isPlaygroundJwks(c.jwksUri),
    );
  }
}

const isPlaygroundPage = (uri: string) => new URL(uri).pathname === '/playground';
const isPlaygroundJwks = (uri: string) => new URL(uri).pathname === PLAYGROUND_JWKS_PATH;
