import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserCookies } from '../front-channel/browser-cookies';
import { sendFrontChannel } from '../front-channel/front-channel-answer';
import { LogoutUseCase } from './logout.usecase';

/** OpenID RP-Initiated Logout 1.0 §2: the end_session_endpoint answers GET and POST. */
@Controller('oauth2')
export class LogoutController {
  constructor(
    private readonly logout: LogoutUseCase,
    private readonly cookies: BrowserCookies,
  ) {}

  @Get('logout')
  async get(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendFrontChannel(reply, await this.logout.execute(req), this.cookies.serialize);
  }

  @Post('logout')
  async post(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendFrontChannel(reply, await this.logout.execute(req), this.cookies.serialize);
  }
}
