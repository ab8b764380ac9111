import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_FACTORY, EventFactory } from '@app/events';
import { InvalidRequest, NotFound } from '@app/oauth';
import { RevocationRecorder, revocationExp } from '@app/projection';
import { GRANT_STORE, GrantStore } from '@app/store';
import { GRANT_ID_SYNTAX } from './admin-api.paths';
import { grantRevocation } from './grant-revocation';

/**
 * `DELETE /admin/grants/{grant_id}`: the user withdraws one grant from a "connected apps" page.
 * `grant.revoked` (reason `withdrawn`) is acknowledged, every token of the grant is refused at
 * once, and the record is deleted: no longer listed, never remembered for consent again.
 */
@Injectable()
export class WithdrawGrantUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
    private readonly recorder: RevocationRecorder,
  ) {}

  async execute(grantId: string): Promise<void> {
    if (!GRANT_ID_SYNTAX.test(grantId))
      throw new InvalidRequest('grant_id must be 1 to 128 visible ASCII characters');
    const grant = await this.grants.find(grantId);
    if (!grant) throw new NotFound('no live grant has this grant_id');
    const exp = revocationExp(this.config, Date.now());
    await this.recorder.record([grantRevocation(this.events, grant, 'withdrawn', exp)]);
  }
}
