import { Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ShowConsent } from './consent/show-consent.usecase';
import { SubmitConsent } from './consent/submit-consent.usecase';
import { PageExceptionFilter } from './html/page-exception.filter';

@Controller('consent')
@UseFilters(PageExceptionFilter)
export class ConsentController {
  constructor(
    private readonly showConsent: ShowConsent,
    private readonly submitConsent: SubmitConsent,
  ) {}

  @Get()
  show(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.showConsent.run(req, reply);
  }

  @Post()
  submit(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.submitConsent.run(req, reply);
  }
}
