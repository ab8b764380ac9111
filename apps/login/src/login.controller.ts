import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PageExceptionFilter } from './html/page-exception.filter';
import { ShowLogin } from './login/show-login.usecase';
import { SubmitLogin } from './login/submit-login.usecase';

@Controller('login')
@UseFilters(PageExceptionFilter)
export class LoginController {
  constructor(
    private readonly showLogin: ShowLogin,
    private readonly submitLogin: SubmitLogin,
  ) {}

  @Get()
  show(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.showLogin.run(req, reply);
  }

  @Post()
  submit(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.submitLogin.run(req, reply);
  }
}
