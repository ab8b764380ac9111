import { Module } from '@nestjs/common';
import { PlaygroundAssetsController } from './playground-assets.controller';
import { PlaygroundClientKeys } from './playground-client-keys';
import { PlaygroundConfigController } from './playground-config.controller';
import { PlaygroundDpopCheck } from './playground-dpop.check';
import { PlaygroundEnabledGuard } from './playground-enabled.guard';
import { PlaygroundKeysController } from './playground-keys.controller';
import { PlaygroundOrdersController } from './playground-orders.controller';
import { PlaygroundSessionController } from './playground-session.controller';
import { PlaygroundSessionHub } from './playground-session.hub';
import { PlaygroundTokenChecker } from './playground-token.checker';

/**
 * The browser playground (issue 16): the page, its config, the demo API it calls, its
 * live-events stream and the keys of its private_key_jwt client. Mounted by the standalone (on
 * by default) and the authorization service (PLAYGROUND=true); every route answers 404 when
 * PLAYGROUND is off.
 */
@Module({
  controllers: [
    PlaygroundAssetsController,
    PlaygroundConfigController,
    PlaygroundKeysController,
    PlaygroundOrdersController,
    PlaygroundSessionController,
  ],
  providers: [
    PlaygroundClientKeys,
    PlaygroundDpopCheck,
    PlaygroundEnabledGuard,
    PlaygroundSessionHub,
    PlaygroundTokenChecker,
  ],
})
export class PlaygroundModule {}
