import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ServedResourceDpopCheck } from '@app/resource-server';
import { REPLAY_STORE, ReplayStore } from '@app/store';

/**
 * /userinfo is a protected resource like any API (RFC 9449 §7): its proofs name the configured
 * public userinfo URL (`htu`); the rest is ServedResourceDpopCheck's (nonces are the token
 * endpoint's, `DPOP_NONCE_*`).
 */
@Injectable()
export class UserinfoDpopCheck extends ServedResourceDpopCheck {
  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REPLAY_STORE) replays: ReplayStore) {
    super(config.dpop, replays, config.endpoints.userinfo);
  }
}
