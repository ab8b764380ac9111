import { Controller, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DpopProofs } from '@app/oauth';
import { PushAuthorizationRequestUseCase } from './push-authorization-request.usecase';

/** RFC 9126 §2.2: `201 Created`, never cached. Failures: the global OAuth error filter. */
@Controller('oauth2')
export class ParController {
  constructor(
    private readonly push: PushAuthorizationRequestUseCase,
    private readonly proofs: DpopProofs,
  ) {}

  @Post('par')
  async par(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // RFC 9449 §8.2: when nonces are required, every answer (errors too, which the filter sends
    // on this reply) hands out a fresh one, as the token endpoint's do.
    const nonce = this.proofs.currentNonce();
    if (nonce !== undefined) reply.header('dpop-nonce', nonce);
    const body = await this.push.execute(req);
    reply.code(201).header('cache-control', 'no-store').header('pragma', 'no-cache').send(body);
  }
}
