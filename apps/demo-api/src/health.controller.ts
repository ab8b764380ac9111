import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TokenValidator } from '@app/resource-server';

/**
 * Liveness (the process answers) and readiness (it can check revocations: its mirror is
 * current, which it is not while the store it follows is unreachable or being rebuilt).
 */
@Controller('health')
export class HealthController {
  constructor(private readonly validator: TokenValidator) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const ready = this.validator.ready;
    reply.status(ready ? 200 : 503);
    return {
      status: ready ? 'ok' : 'unavailable',
      checks: { revocations: ready ? 'up' : 'down' },
    };
  }
}
