import { Controller, Get, Inject, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  BearerError,
  bearerErrorResponse,
  DPOP_CHALLENGE_ALGS,
  dpopJkt,
  extractBearer,
  InsufficientScope,
  InvalidToken,
  isDpopScheme,
  ResourceRequest,
} from '@app/resource-server';
import { ORDERS_SCOPE, ordersResource } from './orders-resource';
import { PlaygroundDpopCheck } from './playground-dpop.check';
import { PlaygroundEnabledGuard } from './playground-enabled.guard';
import { PlaygroundTokenChecker } from './playground-token.checker';

const REALM = 'orders';

/**
 * GET /playground/api/orders: the demo orders API (apps/demo-api) as the playground's "Call the
 * API" reaches it in one process, answering what the demo API answers: 200 with the orders, or
 * 401 with an RFC 6750 §3 / RFC 9449 §7.1 challenge (at once after a revocation), or 403.
 */
@Controller('playground/api')
@UseGuards(PlaygroundEnabledGuard)
export class PlaygroundOrdersController {
  private readonly resource: string | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tokens: PlaygroundTokenChecker,
    private readonly dpop: PlaygroundDpopCheck,
  ) {
    this.resource = ordersResource(config);
  }

  @Get('orders')
  async orders(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    try {
      const body = await this.answer({
        authorization: req.headers.authorization,
        dpop: req.headers.dpop,
        method: req.method,
      });
      if (body.bound_to) this.dpop.offerNonce(reply);
      await reply.status(200).header('cache-control', 'no-store').send(body);
    } catch (e) {
      if (!(e instanceof BearerError)) throw e;
      // RFC 9449 §7.1: every refusal of a DPoP-presented token goes in the DPoP challenge.
      if (isDpopScheme(req.headers.authorization)) e.under('DPoP');
      const { status, headers, body } = bearerErrorResponse(e, REALM, DPOP_CHALLENGE_ALGS);
      await reply.status(status).headers(headers).send(body);
    }
  }

  private async answer(request: ResourceRequest) {
    // The header only (RFC 6750 §2.1, RFC 9449 §7.1): a token in a URL ends up in logs.
    const token = extractBearer({ authorization: request.authorization }, true);
    const claims = await this.tokens.check(token);
    if (!claims) throw new InvalidToken('the token is not active');
    // RFC 9068 §4: the audience must be this API.
    if (claims.aud !== this.resource) throw new InvalidToken('the token is not for this API');
    await this.dpop.check(token, claims, request);
    if (!claims.scope.split(' ').includes(ORDERS_SCOPE))
      throw new InsufficientScope([ORDERS_SCOPE]);
    const jkt = dpopJkt(claims);
    return {
      caller: claims.clientId,
      ...(jkt ? { bound_to: { jkt } } : {}),
      orders: [{ id: 'o-1', item: 'coffee beans', qty: 2 }],
    };
  }
}
