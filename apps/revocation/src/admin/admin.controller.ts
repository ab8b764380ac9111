import { Controller, Param, Query } from '@nestjs/common';
import { AdminRoute, JsonBody } from '@app/oauth';
import { ADMIN_API_PATHS as PATHS } from './admin-api.paths';
import { grantPageQuery } from './grant-page.query';
import { ListSubjectGrantsUseCase, SubjectGrants } from './list-subject-grants.usecase';
import { revocationRequest } from './revocation-request.body';
import { RevocationAnswer, RevokeInBulkUseCase } from './revoke-in-bulk.usecase';
import { WithdrawGrantUseCase } from './withdraw-grant.usecase';

/** The admin API over HTTP (docs/openapi.yaml). */
@Controller()
export class AdminController {
  constructor(
    private readonly revokeInBulk: RevokeInBulkUseCase,
    private readonly listGrants: ListSubjectGrantsUseCase,
    private readonly withdrawGrant: WithdrawGrantUseCase,
  ) {}

  @AdminRoute('POST', PATHS.revocations)
  revoke(@JsonBody() body: unknown): Promise<RevocationAnswer> {
    return this.revokeInBulk.execute(revocationRequest(body));
  }

  @AdminRoute('GET', PATHS.subjectGrants)
  grantsOf(
    @Param('subject') subject: string,
    @Query() query: Record<string, unknown>,
  ): Promise<SubjectGrants> {
    return this.listGrants.execute(subject, grantPageQuery(query));
  }

  @AdminRoute('DELETE', PATHS.grant)
  withdraw(@Param('grant_id') grantId: string): Promise<void> {
    return this.withdrawGrant.execute(grantId);
  }
}
