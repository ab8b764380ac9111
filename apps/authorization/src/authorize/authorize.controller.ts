import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrowserCookies } from '../front-channel/browser-cookies';
import { sendFrontChannel } from '../front-channel/front-channel-answer';
import { AuthorizeUseCase } from './authorize.usecase';

/** RFC 6749 §3.1: the authorization endpoint answers GET and may answer POST (OIDC §3.1.2.1). */
@Controller('oauth2')
export class AuthorizeController {
  constructor(
    private readonly authorize: AuthorizeUseCase,
    private readonly cookies: BrowserCookies,
  ) {}

  @Get('authorize')
  async get(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendFrontChannel(reply, await this.authorize.execute(req), this.cookies.serialize);
  }

  @Post('authorize')
  async post(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    sendFrontChannel(reply, await this.authorize.execute(req), this.cookies.serialize);
  }
}
