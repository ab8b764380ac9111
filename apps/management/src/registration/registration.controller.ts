import { Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { jsonBody } from '@app/oauth';
import { bearerCredential } from './bearer-credential';
import { ClientConfigurationUseCase } from './client-configuration.usecase';
import { RegisterClientUseCase } from './register-client.usecase';
import { REGISTRATION_PATHS as PATHS } from './registration.paths';

const NO_STORE = ['Cache-Control', 'no-store'] as const;
const NO_CACHE = ['Pragma', 'no-cache'] as const;

/**
 * RFC 7591 §3 and RFC 7592 §2 over HTTP. Every answer carries credentials or what they
 * protect: never cached (RFC 7591 §3.2.1; the error filter says `no-store` too).
 */
@Controller()
export class RegistrationController {
  constructor(
    private readonly registerClient: RegisterClientUseCase,
    private readonly configuration: ClientConfigurationUseCase,
  ) {}

  @Post(PATHS.register)
  @HttpCode(201)
  @Header(...NO_STORE)
  @Header(...NO_CACHE)
  register(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    const token = bearerCredential(req.headers.authorization);
    return this.registerClient.execute(token, jsonBody(req.headers['content-type'], req.body));
  }

  @Get(PATHS.clientConfiguration)
  @Header(...NO_STORE)
  @Header(...NO_CACHE)
  read(@Param('client_id') clientId: string, @Req() req: FastifyRequest): Record<string, unknown> {
    return this.configuration.read(clientId, bearerCredential(req.headers.authorization));
  }

  @Put(PATHS.clientConfiguration)
  @Header(...NO_STORE)
  @Header(...NO_CACHE)
  update(
    @Param('client_id') clientId: string,
    @Req() req: FastifyRequest,
  ): Promise<Record<string, unknown>> {
    const token = bearerCredential(req.headers.authorization);
    return this.configuration.update(
      clientId,
      token,
      jsonBody(req.headers['content-type'], req.body),
    );
  }

  @Delete(PATHS.clientConfiguration)
  @HttpCode(204)
  @Header(...NO_STORE)
  @Header(...NO_CACHE)
  remove(@Param('client_id') clientId: string, @Req() req: FastifyRequest): Promise<void> {
    return this.configuration.remove(clientId, bearerCredential(req.headers.authorization));
  }
}
