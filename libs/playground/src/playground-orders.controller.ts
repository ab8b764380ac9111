import { Controller, Get, Headers, HttpCode, Inject, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ORDERS_SCOPE, ordersResource } from './orders-resource';
import { PlaygroundEnabledGuard } from './playground-enabled.guard';
import { PlaygroundTokenChecker } from './playground-token.checker';

/**
 * GET /playground/api/orders: the demo orders API (apps/demo-api) as the playground's "Call the
 * API" reaches it in one process, answering what the demo API answers: 200 with the orders, or
 * 401 with an RFC 6750 §3 challenge, at once after a revocation.
 */
@Controller('playground/api')
@UseGuards(PlaygroundEnabledGuard)
export class PlaygroundOrdersController {
  private readonly resource: string | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tokens: PlaygroundTokenChecker,
  ) {
    this.resource = ordersResource(config);
  }

  @Get('orders')
  @HttpCode(200)
  async orders(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    reply.header('cache-control', 'no-store');
    const token = /^Bearer ([\x21-\x7e]+)$/.exec(authorization ?? '')?.[1];
    if (!token) return this.refuse(reply, 'invalid_request', 'a Bearer token is required');
    const claims = await this.tokens.check(token);
    if (!claims) return this.refuse(reply, 'invalid_token', 'the token is not active');
    // RFC 9449 §7.1: a DPoP-bound token is used with a proof, which this page does not send.
    if (claims.cnf) return this.refuse(reply, 'invalid_token', 'a sender-constrained token');
    // RFC 9068 §4: the audience must be this API.
    if (claims.aud !== this.resource)
      return this.refuse(reply, 'invalid_token', 'the token is not for this API');
    if (!claims.scope.split(' ').includes(ORDERS_SCOPE)) {
      reply.status(403);
      reply.header(
        'www-authenticate',
        `Bearer error="insufficient_scope", scope="${ORDERS_SCOPE}"`,
      );
      return { error: 'insufficient_scope' };
    }
    return { caller: claims.clientId, orders: [{ id: 'o-1', item: 'coffee beans', qty: 2 }] };
  }

  private refuse(reply: FastifyReply, error: string, description: string) {
    reply.status(401);
    // RFC 6750 §3.1: no error code when the request carried no token at all.
    reply.header(
      'www-authenticate',
      error === 'invalid_request'
        ? 'Bearer realm="orders"'
        : `Bearer realm="orders", error="${error}", error_description="${description}"`,
    );
    return { error: error === 'invalid_request' ? 'unauthorized' : error };
  }
}
