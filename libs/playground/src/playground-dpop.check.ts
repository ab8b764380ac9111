import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ServedResourceDpopCheck } from '@app/resource-server';
import { REPLAY_STORE, ReplayStore } from '@app/store';
import { ordersApiUrl } from './orders-resource';

/**
 * The demo orders API takes DPoP-bound tokens as apps/demo-api does (RFC 9449 §7): its proofs
 * name the API's public URL on the issuer's origin (`htu`); the rest is ServedResourceDpopCheck's.
 */
@Injectable()
export class PlaygroundDpopCheck extends ServedResourceDpopCheck {
  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REPLAY_STORE) replays: ReplayStore) {
    super(config.dpop, replays, ordersApiUrl(config));
  }
}
