import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_FACTORY, EventFactory } from '@app/events';
import { NotFound } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { GRANT_STORE, GrantRecord, GrantStore } from '@app/store';
import { grantRevocation } from './grant-revocation';
import { ClientTokensRevoker, RevocationRecorder, revocationExp } from '@app/projection';
import { RevocationRequest } from './revocation-request.body';

/** Index entries per read of a subject's grants when revoking them all. */
const SUBJECT_GRANTS_PAGE = 500;

/** What `POST /admin/revocations` recorded (docs/openapi.yaml). */
export type RevocationAnswer =
  | {
      readonly revoked: 'grant';
      readonly grant_id: string;
      readonly client_id: string;
      readonly exp: number;
    }
  | {
      readonly revoked: 'client';
      readonly client_id: string;
      readonly revoked_at: number;
      readonly exp: number;
    }
  | {
      readonly revoked: 'subject';
      readonly subject: string;
      readonly revoked_at: number;
      readonly exp: number;
      /** The subject's live grants, each revoked with `grant.revoked` (`subject_revoked`). */
      readonly grant_ids: readonly string[];
    };

/**
 * `POST /admin/revocations`: every token of a grant, of a client (a leaked secret) or of a
 * subject (sign out everywhere, an account deleted) refused at once by introspection and by
 * every replica's mirror. Answers only once its events are acknowledged.
 */
@Injectable()
export class RevokeInBulkUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
    private readonly clients: ClientRegistry,
    private readonly recorder: RevocationRecorder,
    private readonly clientTokens: ClientTokensRevoker,
  ) {}

  execute(request: RevocationRequest): Promise<RevocationAnswer> {
    switch (request.kind) {
      case 'grant':
        return this.revokeGrant(request.grantId);
      case 'client':
        return this.revokeClient(request.clientId);
      case 'subject':
        return this.revokeSubject(request.subject);
    }
  }

  /** A grant no longer stored has no live token left: nothing to revoke. */
  private async revokeGrant(grantId: string): Promise<RevocationAnswer> {
    const grant = await this.grants.find(grantId);
    if (!grant) throw new NotFound('no live grant has this grant_id');
    const exp = revocationExp(this.config, Date.now());
    await this.recorder.record([grantRevocation(this.events, grant, 'admin', exp)]);
    return { revoked: 'grant', grant_id: grantId, client_id: grant.clientId, exp };
  }

  private async revokeClient(clientId: string): Promise<RevocationAnswer> {
    if (!this.clients.client(clientId)) throw new NotFound('no client has this client_id');
    const { revokedAt, exp } = await this.clientTokens.revoke(clientId, 'admin');
    return { revoked: 'client', client_id: clientId, revoked_at: revokedAt, exp };
  }

  /**
   * The subject entry covers every token whose `sub` is the subject; a pairwise client's tokens
   * carry another `sub` (OIDC Core §8.1), so each live grant of the subject is revoked beside
   * it, which also covers the grants' refresh tokens. A subject without live grants gets its
   * entry all the same: revoking is idempotent, and the entry costs one key.
   */
  private async revokeSubject(subject: string): Promise<RevocationAnswer> {
    const live = await this.liveGrantsOf(subject);
    const revokedAt = Date.now();
    const exp = revocationExp(this.config, revokedAt);
    const perGrant = live.map((g) => grantRevocation(this.events, g, 'subject_revoked', exp));
    const event = this.events.create('subject.tokens_revoked', subject, subject, {
      sub: subject,
      revoked_at: revokedAt,
      exp,
      reason: 'admin',
    });
    await this.recorder.record([event, ...perGrant]);
    const grant_ids = live.map((g) => g.grantId);
    return { revoked: 'subject', subject, revoked_at: revokedAt, exp, grant_ids };
  }

  /** Every live grant of the subject, read a bounded page at a time (revocation reaches all). */
  private async liveGrantsOf(subject: string): Promise<GrantRecord[]> {
    const all: GrantRecord[] = [];
    let page = await this.grants.pageBySubject(subject, SUBJECT_GRANTS_PAGE);
    all.push(...page.grants);
    while (page.next !== undefined) {
      page = await this.grants.pageBySubject(subject, SUBJECT_GRANTS_PAGE, page.next);
      all.push(...page.grants);
    }
    return all;
  }
}
