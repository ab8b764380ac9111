import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FormParams, InvalidRequest, NotFound } from '@app/oauth';
import { ClientKeyRefused, parseClientKey, PlaygroundClientKey } from './playground-client-key';
import { PlaygroundClientKeys } from './playground-client-keys';
import { PlaygroundEnabledGuard } from './playground-enabled.guard';

/**
 * The playground's private_key_jwt client (README "Playground"): a page posts the public key it
 * made (form `jwk=<public JWK>`) to its session, and the client's `jwks_uri` lists the keys of
 * the open sessions. Routes exist only with PLAYGROUND on, like every playground route.
 */
@Controller('playground/api')
@UseGuards(PlaygroundEnabledGuard)
export class PlaygroundKeysController {
  constructor(private readonly keys: PlaygroundClientKeys) {}

  @Post('sessions/:id/keys')
  @HttpCode(201)
  publish(
    @Param('id') id: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    reply.header('cache-control', 'no-store');
    const key = publicKeyOf(FormParams.parse(contentType, body).require('jwk'));
    if (!this.keys.publish(id, key)) throw new NotFound('no such playground session');
    return { kid: key.kid };
  }

  /** RFC 7517 §5; not cached: a key appears with its page and goes with its session. */
  @Get('jwks')
  jwks(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    reply.header('content-type', 'application/jwk-set+json');
    return this.keys.jwks();
  }
}

/** A refused key is the caller's mistake: 400 invalid_request naming why, never a 500. */
function publicKeyOf(text: string): PlaygroundClientKey {
  try {
    return parseClientKey(text);
  } catch (e) {
    if (e instanceof ClientKeyRefused) throw new InvalidRequest(e.message);
    throw e;
  }
}
