import { Inject, Injectable } from '@nestjs/common';
import { SUBJECT_SYNTAX } from '@app/config';
import { InvalidRequest } from '@app/oauth';
import { GRANT_STORE, GrantStore } from '@app/store';
import { grantView, GrantView } from './grant.view';

/** What `GET /admin/subjects/{subject}/grants` answers. */
export interface SubjectGrants {
  readonly subject: string;
  /** Oldest first. */
  readonly grants: readonly GrantView[];
}

/**
 * A subject's live grants, for a user-facing "connected apps" page: what each client may do
 * and when it was last used. A subject without grants (or unknown) has an empty list.
 */
@Injectable()
export class ListSubjectGrantsUseCase {
  constructor(@Inject(GRANT_STORE) private readonly grants: GrantStore) {}

  async execute(subject: string): Promise<SubjectGrants> {
    if (!SUBJECT_SYNTAX.test(subject))
      throw new InvalidRequest('subject must be 1 to 255 visible ASCII characters');
    const live = await this.grants.findBySubject(subject);
    return { subject, grants: live.map(grantView) };
  }
}
