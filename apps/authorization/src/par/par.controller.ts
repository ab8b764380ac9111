import { Controller, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PushAuthorizationRequestUseCase } from './push-authorization-request.usecase';

/** RFC 9126 §2.2: `201 Created`, never cached. Failures: the global OAuth error filter. */
@Controller('oauth2')
export class ParController {
  constructor(private readonly push: PushAuthorizationRequestUseCase) {}

  @Post('par')
  async par(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = await this.push.execute(req);
    reply.code(201).header('cache-control', 'no-store').header('pragma', 'no-cache').send(body);
  }
}
