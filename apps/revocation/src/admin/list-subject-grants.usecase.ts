import { Inject, Injectable } from '@nestjs/common';
import { SUBJECT_SYNTAX } from '@app/config';
import { InvalidRequest } from '@app/oauth';
import { GRANT_STORE, GrantStore } from '@app/store';
import { encodeGrantCursor, GrantPageQuery } from './grant-page.query';
import { grantView, GrantView } from './grant.view';

/** What `GET /admin/subjects/{subject}/grants` answers. */
export interface SubjectGrants {
  readonly subject: string;
  /** Oldest first, at most the page's limit. */
  readonly grants: readonly GrantView[];
  /** The `cursor` of the next page; absent on the last page. */
  readonly next_cursor?: string;
}

/**
 * A subject's live grants, for a user-facing "connected apps" page: what each client may do
 * and when it was last used, a bounded page at a time. A subject without grants (or unknown)
 * has an empty list.
 */
@Injectable()
export class ListSubjectGrantsUseCase {
  constructor(@Inject(GRANT_STORE) private readonly grants: GrantStore) {}

  async execute(subject: string, query: GrantPageQuery): Promise<SubjectGrants> {
    if (!SUBJECT_SYNTAX.test(subject))
      throw new InvalidRequest('subject must be 1 to 255 visible ASCII characters');
    const page = await this.grants.pageBySubject(subject, query.limit, query.after);
    const grants = page.grants.map(grantView);
    if (page.next === undefined) return { subject, grants };
    return { subject, grants, next_cursor: encodeGrantCursor(page.next) };
  }
}
