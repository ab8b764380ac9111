import { Controller, Get, Header, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { UserinfoResponse, UserinfoUseCase } from './userinfo.usecase';
import { userinfoBearerSources } from './userinfo-request';
import { BearerErrorFilter } from './bearer-error.filter';

/** OIDC Core §5.3.1: the UserInfo endpoint answers GET and POST alike. */
@Controller('oauth2')
@UseFilters(BearerErrorFilter)
export class UserinfoController {
  constructor(private readonly userinfo: UserinfoUseCase) {}

  @Get('userinfo')
  @Header('Cache-Control', 'no-store')
  get(@Req() req: FastifyRequest): Promise<UserinfoResponse> {
    return this.userinfo.execute(userinfoBearerSources(req));
  }

  @Post('userinfo')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  post(@Req() req: FastifyRequest): Promise<UserinfoResponse> {
    return this.userinfo.execute(userinfoBearerSources(req));
  }
}
