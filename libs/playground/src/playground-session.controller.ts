import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FormParams, InvalidRequest, NotFound } from '@app/oauth';
import { isExchangeGrantId } from '@app/projection';
import { PlaygroundEnabledGuard } from './playground-enabled.guard';
import { PlaygroundSessionHub } from './playground-session.hub';
import { PlaygroundTokenChecker } from './playground-token.checker';

/** Keeps proxies from closing an idle stream; SSE comments are ignored by EventSource. */
const HEARTBEAT_MS = 15_000;

/**
 * The live-events pane (README "Playground"): a page opens a session, registers each access
 * token it obtains (the server verifies it and keeps its `jti` and `grant_id`), and reads the
 * session's events as Server-Sent Events. The session id is a 256-bit capability held only in
 * the page's memory.
 */
@Controller('playground/api/sessions')
@UseGuards(PlaygroundEnabledGuard)
export class PlaygroundSessionController {
  constructor(
    private readonly hub: PlaygroundSessionHub,
    private readonly tokens: PlaygroundTokenChecker,
  ) {}

  @Post()
  @HttpCode(201)
  open(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    return { session: this.hub.open() };
  }

  @Post(':id/tokens')
  @HttpCode(204)
  async register(
    @Param('id') id: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
  ) {
    const token = FormParams.parse(contentType, body).require('token');
    // Holding the token is the proof: an id alone would let anyone watch anyone's grant.
    const claims = await this.tokens.check(token);
    if (!claims) throw new InvalidRequest('the token is not active');
    if (!this.hub.register(id, { jti: claims.jti, grantId: followedGrant(claims.grantId) }))
      throw new NotFound('no such playground session');
  }

  @Get(':id/events')
  events(@Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const write = (chunk: string) => reply.raw.write(chunk);
    const stop = this.hub.listen(id, (event) =>
      write(`event: lifecycle\nid: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`),
    );
    if (!stop) throw new NotFound('no such playground session');
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    write(': listening\n\n');
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      stop();
    });
  }
}

/**
 * The grant whose events a token's holder sees: its sign-in grant. Not an exchange grant (RFC
 * 8693): every exchange of one subject token shares it, so it would show the tokens other
 * clients exchanged from that token; an exchanged token is followed by its `jti` alone.
 */
const followedGrant = (grantId: string | undefined) =>
  grantId !== undefined && isExchangeGrantId(grantId) ? undefined : grantId;
