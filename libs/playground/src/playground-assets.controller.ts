import { Controller, Get, NotFoundException, Param, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PLAYGROUND_CSP, readAsset } from './playground-assets';
import { PlaygroundEnabledGuard } from './playground-enabled.guard';

/** GET /playground (the page) and its scripts and styles. */
@Controller('playground')
@UseGuards(PlaygroundEnabledGuard)
export class PlaygroundAssetsController {
  @Get()
  page(@Res() reply: FastifyReply) {
    return this.send(reply, 'index.html');
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply) {
    return this.send(reply, name);
  }

  private async send(reply: FastifyReply, name: string) {
    const asset = await readAsset(name);
    if (!asset) throw new NotFoundException();
    // The page may hold tokens in memory: nothing of it is cached or framed, nothing sniffed.
    await reply
      .header('content-type', asset.contentType)
      .header('content-security-policy', PLAYGROUND_CSP)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(asset.body);
  }
}
