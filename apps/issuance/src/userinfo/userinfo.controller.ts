import { Controller, Get, Header, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserinfoResponse, UserinfoUseCase } from './userinfo.usecase';
import { userinfoRequest } from './userinfo-request';
import { BearerErrorFilter } from './bearer-error.filter';
import { UserinfoDpopCheck } from './userinfo-dpop.check';

/** OIDC Core §5.3.1: the UserInfo endpoint answers GET and POST alike. */
@Controller('oauth2')
@UseFilters(BearerErrorFilter)
export class UserinfoController {
  constructor(
    private readonly userinfo: UserinfoUseCase,
    private readonly dpop: UserinfoDpopCheck,
  ) {}

  @Get('userinfo')
  @Header('Cache-Control', 'no-store')
  get(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserinfoResponse> {
    return this.answer(req, reply);
  }

  @Post('userinfo')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  post(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserinfoResponse> {
    return this.answer(req, reply);
  }

  private answer(req: FastifyRequest, reply: FastifyReply): Promise<UserinfoResponse> {
    // Set first, so that refusals carry the nonce too (the filter keeps the reply's headers).
    this.dpop.offerNonce(reply);
    return this.userinfo.execute(userinfoRequest(req));
  }
}
